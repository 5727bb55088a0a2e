import type { RetentionLogPayload, RetentionRulePayload } from '@swr/contracts';
import type { PolicyRecord, RemovedTag, RetentionStore, TagCatalog } from './ports';
import { checkedRule, RetentionPolicies, ruleType } from './retention-policies';
import { RetentionError } from './retention-error';
import type { CandidateTag } from './retention-rules';

const NOW = new Date('2026-12-04T00:00:00Z');
const rule = (num: string, selectors: RetentionRulePayload['tag_selectors'] = []): RetentionRulePayload => ({ template: 'tag_rule', params: { num }, tag_selectors: selectors });

class MemoryStore implements RetentionStore {
  readonly policies: PolicyRecord[] = [];
  readonly logs: RetentionLogPayload[] = [];
  async create(repository: string, accountId: string, rules: readonly RetentionRulePayload[]) {
    if (this.policies.some((p) => p.repository === repository)) return undefined;
    const id = this.policies.length + 1;
    this.policies.push({ id, repository, accountId, rules });
    return id;
  }
  async list(repository: string) {
    return this.policies.filter((p) => p.repository === repository);
  }
  async page(after: number, limit: number) {
    return this.policies.filter((p) => p.id > after).slice(0, limit);
  }
  async find(repository: string, id: number) {
    return this.policies.find((p) => p.repository === repository && p.id === id);
  }
  async update() {
    return true;
  }
  async remove() {
    return true;
  }
  async forgetRepository(repository: string) {
    this.policies.splice(0, this.policies.length, ...this.policies.filter((p) => p.repository !== repository));
  }
  async recordRemovals(policy: PolicyRecord, removed: readonly RemovedTag[]) {
    for (const r of removed) this.logs.push({ id: this.logs.length + 1, retentionId: policy.id, repository: policy.repository, tag: r.tag, digest: r.digest, ruleType: r.ruleType, createdAt: NOW.toISOString() });
  }
  async histories() {
    return { logs: this.logs, total: this.logs.length };
  }
}

class MemoryTags implements TagCatalog {
  constructor(public tags: CandidateTag[]) {}
  async candidates(_repository: string): Promise<CandidateTag[] | undefined> {
    return this.tags;
  }
  async remove(_repository: string, wanted: ReadonlyArray<{ tag: string; digest: string }>) {
    const gone = wanted.filter((w) => this.tags.some((t) => t.name === w.tag && t.digest === w.digest)).map((w) => w.tag);
    this.tags = this.tags.filter((t) => !gone.includes(t.name));
    return gone;
  }
}

const tags = (...names: string[]): CandidateTag[] => names.map((name, i) => ({ name, digest: `sha256:${String(i).padStart(64, '0')}`, pushedAt: new Date(NOW.getTime() - (names.length - i) * 60_000) }));

describe('retention policies', () => {
  let store: MemoryStore;
  let catalog: MemoryTags;
  let queued: number[];
  let policies: RetentionPolicies;

  beforeEach(() => {
    store = new MemoryStore();
    catalog = new MemoryTags(tags('v1', 'v2', 'v3', 'v4', 'v5'));
    queued = [];
    policies = new RetentionPolicies(store, catalog, { enqueue: async (_r, id) => void queued.push(id) }, () => NOW);
  });

  it('refuses parameters out of SWR ranges, the wrong parameter for the template, and unsafe patterns', () => {
    for (const bad of [rule('0'), rule('1001'), rule('7.5'), { template: 'date_rule', params: { days: '366' }, tag_selectors: [] }, { template: 'date_rule', params: { num: '3' }, tag_selectors: [] }]) {
      expect(() => checkedRule(bad as RetentionRulePayload)).toThrow(RetentionError);
    }
    expect(() => checkedRule(rule('3', [{ kind: 'regexp', pattern: '(a+)+' }]))).toThrow(/unsafe/);
    expect(() => checkedRule(rule('3', [{ kind: 'regexp', pattern: '[' }]))).toThrow(/invalid/);
    expect(checkedRule({ template: 'date_rule', params: { days: '365' }, tag_selectors: [] })).toEqual({ template: 'date_rule', days: 365, selectors: [] });
  });

  it('keeps one policy per repository and applies a new one at once, by a job', async () => {
    const id = await policies.create('acme/app', 'acct', [rule('2')]);
    expect(queued).toEqual([id]);
    await expect(policies.create('acme/app', 'acct', [rule('3')])).rejects.toMatchObject({ code: 'RETENTION_CONFLICT' });
  });

  it('answers a dry run without removing, then removes and logs each tag with its rule', async () => {
    const id = await policies.create('acme/app', 'acct', [rule('2', [{ kind: 'label', pattern: 'v1' }])]);
    const would = await policies.run('acme/app', id, true);
    expect(would.map((r) => r.tag)).toEqual(['v2', 'v3']);
    expect(catalog.tags).toHaveLength(5);

    const removed = await policies.run('acme/app', id, false);
    expect(removed.map((r) => r.tag)).toEqual(['v2', 'v3']);
    expect(catalog.tags.map((t) => t.name)).toEqual(['v1', 'v4', 'v5']);
    expect(store.logs.map((l) => [l.tag, l.ruleType])).toEqual([
      ['v2', ruleType(rule('2', [{ kind: 'label', pattern: 'v1' }]))],
      ['v3', ruleType(rule('2', [{ kind: 'label', pattern: 'v1' }]))],
    ]);
  });

  it('leaves (and does not log) a tag pushed again between the decision and the delete', async () => {
    const id = await policies.create('acme/app', 'acct', [rule('4')]);
    const original = catalog.remove.bind(catalog);
    catalog.remove = async (repository, wanted) => {
      catalog.tags = catalog.tags.map((t) => (t.name === 'v1' ? { ...t, digest: 'sha256:moved' } : t));
      return original(repository, wanted);
    };
    expect(await policies.run('acme/app', id, false)).toEqual([]);
    expect(store.logs).toEqual([]);
  });

  it('runs every policy daily, and one failing does not stop the rest', async () => {
    await policies.create('acme/a', 'acct', [rule('1')]);
    await policies.create('acme/b', 'acct', [rule('1')]);
    const failures: string[] = [];
    const candidates = catalog.candidates.bind(catalog);
    catalog.candidates = async (repository) => {
      if (repository === 'acme/a') throw new Error('metadata unavailable');
      return candidates(repository);
    };
    expect(await policies.runAll((repository) => failures.push(repository))).toBe(1);
    expect(failures).toEqual(['acme/a']);
    expect(catalog.tags.map((t) => t.name)).toEqual(['v5']);
  });
});
