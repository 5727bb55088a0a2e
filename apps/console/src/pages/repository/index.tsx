import { useState } from 'react';
import { call } from '../../api/client';
import { Loaded, Message, useLoad } from '../../components';
import { repositoryParameter, useConsole } from '../../context';
import { permissionName, repositoryAbilities } from '../../logic/permissions';
import type { RepositoryCategory } from '../../logic/validation';
import { Attributes } from './attributes';
import { DeleteRepository } from './delete-repository';
import { PermissionsTab } from './permissions-tab';
import { RetentionTab } from './retention-tab';
import type { RepositoryScope } from './scope';
import { SharesTab } from './shares-tab';
import { SyncTab } from './sync-tab';
import { Tabs, type RepositoryTab } from './tabs';
import { TagsTab } from './tags-tab';
import { TriggersTab } from './triggers-tab';

const NO_ABILITIES = repositoryAbilities(0, 0, false);

/** A repository's page: its attributes, then a tab per management task. */
export function Repository({ namespace, repository }: { namespace: string; repository: string }) {
  const { client, session } = useConsole();
  const path = { namespace, repository: repositoryParameter(repository) };
  const key = `${namespace}/${repository}`;
  const repo = useLoad(() => call(client.GET('/v2/manage/namespaces/{namespace}/repos/{repository}', { params: { path } })), key);
  // What the caller may do here: the organization's level and the effective one on the repository, as the API reports them.
  const standing = useLoad(async () => {
    const [organizations, access] = await Promise.all([
      call(client.GET('/v2/manage/namespaces', { params: { query: { namespace, mode: 'visible' } } })),
      call(client.GET('/v2/manage/namespaces/{namespace}/repos/{repository}/access', { params: { path } })),
    ]);
    const organization = organizations.namespaces.find((n) => n.name === namespace)?.auth ?? 0;
    return { level: access.self_auth.auth, abilities: repositoryAbilities(organization, access.self_auth.auth, session.admin) };
  }, `${session.token}\n${key}`);
  const scope: RepositoryScope = { path, abilities: standing.data?.abilities ?? NO_ABILITIES };
  const [tab, setTab] = useState<RepositoryTab>('tags');
  const [saved, setSaved] = useState(false);
  return (
    <section>
      <h2>
        {namespace}/{repository}
      </h2>
      {standing.data && (
        <p className="muted" data-testid="repository-permission">
          Your permission: {permissionName(standing.data.level)}
        </p>
      )}
      {scope.abilities.manage && <DeleteRepository scope={scope} name={key} />}
      {saved && <Message kind="info" text="Image updated." />}
      <Loaded state={repo}>
        {(data) => (
          <>
            <Attributes
              key={data.updated}
              writable={scope.abilities.write}
              initial={{ description: data.description, category: data.category as RepositoryCategory | '', isPublic: data.is_public }}
              save={(changes) =>
                call(client.PATCH('/v2/manage/namespaces/{namespace}/repos/{repository}', { params: { path }, body: { is_public: changes.isPublic, category: changes.category || undefined, description: changes.description } })).then(() => {
                  setSaved(true);
                  repo.reload();
                })
              }
            />
            <Tabs current={tab} choose={setTab} />
            {tab === 'tags' && <TagsTab scope={scope} namespace={namespace} repository={repository} />}
            {tab === 'permissions' && <PermissionsTab scope={scope} />}
            {tab === 'sharing' && <SharesTab scope={scope} isPublic={data.is_public} />}
            {tab === 'triggers' && <TriggersTab scope={scope} />}
            {tab === 'retention' && <RetentionTab scope={scope} />}
            {tab === 'sync' && <SyncTab scope={scope} />}
          </>
        )}
      </Loaded>
    </section>
  );
}
