import { useState, type FormEvent } from 'react';
import { manualSyncProblem, remoteOrganizationProblem } from '../../logic/sync';
import { listOf } from '../../logic/tags';

export interface SyncTarget {
  readonly remoteRegionId: string;
  readonly remoteNamespace: string;
  readonly override: boolean;
}

/** The region and organization a copy goes to, and whether it overwrites a tag the target holds. */
function TargetFields({ regions, target, change }: { regions: readonly string[]; target: SyncTarget; change: (target: SyncTarget) => void }) {
  return (
    <>
      <label>
        Target region
        <select name="region" value={target.remoteRegionId} onChange={(e) => change({ ...target, remoteRegionId: e.target.value })}>
          {regions.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
      </label>
      <label>
        Target organization
        <input name="remote-namespace" value={target.remoteNamespace} onChange={(e) => change({ ...target, remoteNamespace: e.target.value })} />
      </label>
      <label className="choice">
        <input type="checkbox" checked={target.override} onChange={(e) => change({ ...target, override: e.target.checked })} />
        Overwrite tags the target holds
      </label>
    </>
  );
}

const initialTarget = (regions: readonly string[]): SyncTarget => ({ remoteRegionId: regions[0] ?? '', remoteNamespace: '', override: false });

/** An auto-sync rule: every tag pushed from now on is copied to the target. */
export function AddSyncRule({ regions, add }: { regions: readonly string[]; add: (target: SyncTarget) => Promise<boolean> }) {
  const [target, setTarget] = useState(() => initialTarget(regions));
  const problem = target.remoteNamespace ? remoteOrganizationProblem(target.remoteNamespace) : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!target.remoteNamespace || problem) return;
    void add(target).then((done) => done && setTarget(initialTarget(regions)));
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Add sync rule">
      <TargetFields regions={regions} target={target} change={setTarget} />
      <button type="submit" className="primary" disabled={!target.remoteNamespace || problem !== undefined}>
        Add Sync Rule
      </button>
      {problem && <p className="hint error">{problem}</p>}
    </form>
  );
}

/** A manual sync: the tags the repository holds now, copied once, one job each. */
export function SyncNow({ regions, sync }: { regions: readonly string[]; sync: (tags: string[], target: SyncTarget) => Promise<boolean> }) {
  const [target, setTarget] = useState(() => initialTarget(regions));
  const [tags, setTags] = useState('');
  const problem = (tags && manualSyncProblem(listOf(tags))) || (target.remoteNamespace ? remoteOrganizationProblem(target.remoteNamespace) : undefined);
  const ready = tags !== '' && target.remoteNamespace !== '' && problem === undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) void sync(listOf(tags), target).then((done) => done && setTags(''));
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Sync now">
      <label>
        Tags to sync (separated by ;)
        <input name="sync-tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <TargetFields regions={regions} target={target} change={setTarget} />
      <button type="submit" className="primary" disabled={!ready}>
        Sync Now
      </button>
      {problem && <p className="hint error">{problem}</p>}
    </form>
  );
}
