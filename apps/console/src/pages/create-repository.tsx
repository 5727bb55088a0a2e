import { useState, type FormEvent } from 'react';
import { call } from '../api/client';
import { Message } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { repositoryPage } from '../logic/routes';
import { REPOSITORY_CATEGORIES, repositoryNameProblem, type RepositoryCategory } from '../logic/validation';
import { navigate } from '../router';

/** Creating an (empty) image repository in one of the organizations the user may write to (a push creates one too). */
export function CreateRepository({ organizations, initial, close }: { organizations: string[]; initial?: string; close: () => void }) {
  const { client } = useConsole();
  const [namespace, setNamespace] = useState(initial && organizations.includes(initial) ? initial : (organizations[0] ?? ''));
  const [name, setName] = useState('');
  const [isPublic, setPublic] = useState(false);
  const [category, setCategory] = useState<RepositoryCategory>('other');
  const [description, setDescription] = useState('');
  const [error, setError] = useState<string>();
  const problem = name ? repositoryNameProblem(name) : undefined;
  const tooLong = description.length > 1000 ? 'The description can have at most 1,000 characters.' : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!namespace || !name || problem || tooLong) return;
    setError(undefined);
    call(client.POST('/v2/manage/namespaces/{namespace}/repos', { params: { path: { namespace } }, body: { repository: name, is_public: isPublic, category, description } })).then(
      () => navigate(repositoryPage(namespace, name)),
      (failure: unknown) => setError(failureMessage(failure)),
    );
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Create repository">
      <label>
        Organization
        <select name="create-namespace" value={namespace} onChange={(e) => setNamespace(e.target.value)}>
          {organizations.map((organization) => (
            <option key={organization} value={organization}>
              {organization}
            </option>
          ))}
        </select>
      </label>
      <label>
        Repository name
        <input name="repository" value={name} aria-invalid={problem !== undefined} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Type
        <select name="create-visibility" value={isPublic ? 'public' : 'private'} onChange={(e) => setPublic(e.target.value === 'public')}>
          <option value="private">Private</option>
          <option value="public">Public</option>
        </select>
      </label>
      <label>
        Category
        <select name="create-category" value={category} onChange={(e) => setCategory(e.target.value as RepositoryCategory)}>
          {REPOSITORY_CATEGORIES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Description
        <input name="create-description" value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <button type="submit" className="primary" disabled={!name || problem !== undefined || tooLong !== undefined}>
        Create
      </button>
      <button type="button" onClick={close}>
        Cancel
      </button>
      {(problem ?? tooLong) && <p className="hint error">{problem ?? tooLong}</p>}
      {error && <Message kind="error" text={error} />}
    </form>
  );
}
