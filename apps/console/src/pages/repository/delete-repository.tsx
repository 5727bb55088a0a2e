import { useState } from 'react';
import { call } from '../../api/client';
import { Message } from '../../components';
import { useConsole } from '../../context';
import { failureMessage } from '../../logic/errors';
import { navigate } from '../../router';
import type { RepositoryScope } from './scope';

/** Deleting the repository with its tags (its blobs are left to garbage collection), then back to the organization's images. */
export function DeleteRepository({ scope, name }: { scope: RepositoryScope; name: string }) {
  const { client } = useConsole();
  const [error, setError] = useState<string>();
  const remove = () => {
    if (!window.confirm(`Delete ${name} with all its tags? This cannot be undone.`)) return;
    call(client.DELETE('/v2/manage/namespaces/{namespace}/repos/{repository}', { params: { path: scope.path } })).then(
      () => navigate(`/repositories?namespace=${encodeURIComponent(scope.path.namespace)}`),
      (failure: unknown) => setError(failureMessage(failure)),
    );
  };
  return (
    <>
      <button type="button" className="danger" onClick={remove}>
        Delete Repository
      </button>
      {error && <Message kind="error" text={error} />}
    </>
  );
}
