import { AUTH_LEVELS, type Auth } from './logic/permissions';

/** The choice of read, write or manage, in SWR's words; the same for organizations and repositories. */
export function PermissionSelect({ value, onChange, label, name }: { value: Auth; onChange: (auth: Auth) => void; label?: string; name?: string }) {
  return (
    <select name={name} aria-label={label} value={value} onChange={(e) => onChange(Number(e.target.value) as Auth)}>
      {AUTH_LEVELS.map(([level, title]) => (
        <option key={level} value={level}>
          {title}
        </option>
      ))}
    </select>
  );
}
