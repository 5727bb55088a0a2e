import { useState, type FormEvent } from 'react';
import { retentionBody, retentionProblem, type RetentionForm, type RetentionPolicyBody } from '../../logic/retention';

/** A retention rule as SWR's console sets it: by days or by number of tags, with the tags never removed. */
export function RetentionPolicyForm({ initial, save, cancel, action }: { initial: RetentionForm; save: (body: RetentionPolicyBody) => Promise<boolean>; cancel?: () => void; action: string }) {
  const [form, setForm] = useState(initial);
  const problem = retentionProblem(form);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!problem) void save(retentionBody(form));
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Retention policy">
      <label>
        Rule
        <select name="template" value={form.template} onChange={(e) => setForm({ ...form, template: e.target.value as RetentionForm['template'] })}>
          <option value="date_rule">By days: keep tags pushed in the last N days</option>
          <option value="tag_rule">By number: keep the N most recent tags</option>
        </select>
      </label>
      <label>
        {form.template === 'date_rule' ? 'Days (1-365)' : 'Tags (1-1000)'}
        <input name="count" inputMode="numeric" value={form.count} aria-invalid={problem !== undefined} onChange={(e) => setForm({ ...form, count: e.target.value })} />
      </label>
      <label>
        Tags never removed (separated by ;)
        <input name="except-tags" value={form.exceptTags} onChange={(e) => setForm({ ...form, exceptTags: e.target.value })} />
      </label>
      <label>
        Tag patterns never removed (regular expressions, separated by ;)
        <input name="except-patterns" value={form.exceptPatterns} onChange={(e) => setForm({ ...form, exceptPatterns: e.target.value })} />
      </label>
      <button type="submit" className="primary" disabled={problem !== undefined}>
        {action}
      </button>
      {cancel && (
        <button type="button" onClick={cancel}>
          Cancel
        </button>
      )}
      {problem && <p className="hint error">{problem}</p>}
      <p className="muted hint">The policy applies at once when saved, then daily: tags it does not keep are deleted.</p>
    </form>
  );
}
