import { call } from '../../api/client';
import { CopyCommand, Loaded, Message, useLoad } from '../../components';
import { useConsole } from '../../context';
import { formatBytes, formatTime, pullCommand, shortDigest } from '../../logic/format';
import { useNotice } from './notice';
import type { RepositoryScope } from './scope';

/** The repository's tags with digest, size, push time and pull command; delete for writers. */
export function TagsTab({ scope, namespace, repository }: { scope: RepositoryScope; namespace: string; repository: string }) {
  const { client } = useConsole();
  const { path, abilities } = scope;
  const tags = useLoad(() => call(client.GET('/v2/manage/namespaces/{namespace}/repos/{repository}/tags', { params: { path, query: { limit: '100', order_column: 'updated_at', order_type: 'desc' } } })), `${path.namespace}/${path.repository}`);
  const { notice, run } = useNotice();
  const remove = (tag: string) => {
    if (!window.confirm(`Delete tag ${tag}?`)) return;
    void run(call(client.DELETE('/v2/manage/namespaces/{namespace}/repos/{repository}/tags/{tag}', { params: { path: { ...path, tag } } })), `Tag ${tag} deleted.`, tags.reload);
  };
  return (
    <section aria-label="Image Tags">
      {notice && <Message kind={notice.kind} text={notice.text} />}
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
                      {abilities.write && (
                        <button type="button" className="danger" onClick={() => remove(tag.Tag)}>
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
