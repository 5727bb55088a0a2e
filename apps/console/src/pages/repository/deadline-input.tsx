/** A share's end: Permanent, or a last day picked from a calendar (validity is per day, UTC). */
export function DeadlineInput({ forever, date, change, label }: { forever: boolean; date: string; change: (forever: boolean, date: string) => void; label: string }) {
  return (
    <fieldset className="deadline">
      <legend>{label}</legend>
      <label className="choice">
        <input type="radio" name={`${label}-kind`} checked={forever} onChange={() => change(true, date)} />
        Permanent
      </label>
      <label className="choice">
        <input type="radio" name={`${label}-kind`} checked={!forever} onChange={() => change(false, date)} />
        Until
      </label>
      <input type="date" aria-label={`${label}: last day`} value={date} disabled={forever} onChange={(e) => change(false, e.target.value)} />
    </fieldset>
  );
}
