import { useState, type FormEvent } from 'react';
import { call } from '../api/client';
import { CopyCommand, Loaded, Message, useLoad } from '../components';
import { repositoryParameter, useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { formatBytes, formatTime, pullCommand, shortDigest } from '../logic/format';
import { canWrite } from '../logic/permissions';
import { descriptionProblem, REPOSITORY_CATEGORIES, type RepositoryCategory } from '../logic/validation';

export function Repository({ namespace, repository }: { namespace: string; repository: string }) {
  const { client, session } = useConsole();
  const path = { namespace, repository: repositoryParameter(repository) };
  const key = `${namespace}/${repository}`;
  const repo = useLoad(() => call(client.GET('/v2/manage/namespaces/{namespace}/repos/{repository}', { params: { path } })), key);
  const tags = useLoad(() => call(client.GET('/v2/manage/namespaces/{namespace}/repos/{repository}/tags', { params: { path, query: { limit: '100', order_column: 'updated_at', order_type: 'desc' } } })), key);
  // What the caller may do here: the organization's permission as the API reports it.
  const auth = useLoad(async () => (await call(client.GET('/v2/manage/namespaces', { params: { query: { namespace, mode: 'visible' } } }))).namespaces.find((n) => n.name === namespace)?.auth ?? 0, `${session.token}\n${namespace}`);
  const writable = canWrite(auth.data);
  const [message, setMessage] = useState<{ kind: 'error' | 'info'; text: string }>();

  const removeTag = (tag: string) => {
    if (!window.confirm(`Delete tag ${tag}?`)) return;
    call(client.DELETE('/v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}', { params: { path: { ...path, tag } } })).then(
      () => {
        setMessage({ kind: 'info', text: `Tag ${tag} deleted.` });
        tags.reload();
      },
      (failure: unknown) => setMessage({ kind: 'error', text: failureMessage(failure) }),
    );
  };

  return (
    <section>
      <h2>
        {namespace}/{repository}
      </h2>
      {message && <Message kind={message.kind} text={message.text} />}
      <Loaded state={repo}>
        {(data) => (
          <Attributes
            key={data.updated}
            writable={writable}
            initial={{ description: data.description, category: data.category as RepositoryCategory | '', isPublic: data.is_public }}
            save={(changes) =>
              call(client.PATCH('/v2/manage/namespaces/{namespace}/repos/{repository}', { params: { path }, body: { is_public: changes.isPublic, category: changes.category || undefined, description: changes.description } })).then(() => {
                setMessage({ kind: 'info', text: 'Image updated.' });
                repo.reload();
              })
            }
          />
        )}
      </Loaded>
      <h3>Image Tags</h3>
      <Loaded state={tags}>
        {(list) =>
          list.length === 0 ? (
            <p className="muted">No tags.</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>Image Tag</th>
                  <th>Digest</th>
                  <th>Size</th>
                  <th>Pushed</th>
                  <th>Pull Command</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {list.map((tag) => (
                  <tr key={tag.Tag} data-testid={`tag-${tag.Tag}`}>
                    <td>{tag.Tag}</td>
                    <td title={tag.digest}>
                      <code>{shortDigest(tag.digest)}</code>
                    </td>
                    <td>{formatBytes(tag.size)}</td>
                    <td>{formatTime(tag.updated)}</td>
                    <td>
                      <CopyCommand command={pullCommand(window.location.host, namespace, repository, tag.Tag)} label={`Pull command of ${tag.Tag}`} />
                    </td>
                    <td>
                      {writable && (
                        <button type="button" className="danger" onClick={() => removeTag(tag.Tag)}>
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
    </section>
  );
}

interface Changes {
  readonly description: string;
  readonly category: RepositoryCategory | '';
  readonly isPublic: boolean;
}

function Attributes({ initial, writable, save }: { initial: Changes; writable: boolean; save: (changes: Changes) => Promise<void> }) {
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
