import { useState, type FormEvent } from 'react';
import { Message } from '../../components';
import { failureMessage } from '../../logic/errors';
import { descriptionProblem, REPOSITORY_CATEGORIES, type RepositoryCategory } from '../../logic/validation';

export interface AttributeChanges {
  readonly description: string;
  readonly category: RepositoryCategory | '';
  readonly isPublic: boolean;
}

/** Setting image attributes: public or private, category, description (disabled for a reader). */
export function Attributes({ initial, writable, save }: { initial: AttributeChanges; writable: boolean; save: (changes: AttributeChanges) => Promise<void> }) {
  const [changes, setChanges] = useState(initial);
  const [error, setError] = useState<string>();
  const problem = descriptionProblem(changes.description);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    setError(undefined);
    save(changes).catch((failure: unknown) => setError(failureMessage(failure)));
  };
  return (
    <form className="panel" onSubmit={submit} aria-label="Image attributes">
      <label>
        Type
        <select name="visibility" disabled={!writable} value={changes.isPublic ? 'public' : 'private'} onChange={(e) => setChanges({ ...changes, isPublic: e.target.value === 'public' })}>
          <option value="private">Private</option>
          <option value="public">Public</option>
        </select>
      </label>
      <label>
        Category
        <select name="category" disabled={!writable} value={changes.category} onChange={(e) => setChanges({ ...changes, category: e.target.value as RepositoryCategory | '' })}>
          {REPOSITORY_CATEGORIES.map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
          {changes.category === 'arms' && <option value="arms">Arm</option>}
          {!changes.category && <option value="">Not set</option>}
        </select>
      </label>
      <label>
        Description
        <textarea name="description" readOnly={!writable} value={changes.description} onChange={(e) => setChanges({ ...changes, description: e.target.value })} rows={3} />
      </label>
      {problem && <p className="hint error">{problem}</p>}
      {error && <Message kind="error" text={error} />}
      {writable && (
        <button type="submit" className="primary">
          Save
        </button>
      )}
    </form>
  );
}
