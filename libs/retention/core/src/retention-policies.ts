import type { RetentionLogPayload, RetentionPolicyPayload, RetentionRulePayload } from '@swr/contracts';
import { tagPatternUnsafety } from '@swr/oci';
import type { PolicyRecord, RemovedTag, RetentionJobs, RetentionStore, TagCatalog } from './ports';
import { RetentionError } from './retention-error';
import { RetentionPolicy, RetentionRule, tagsToRemove } from './retention-rules';

/** Tags deleted per metadata request: each request is one short transaction, so a push into the repository waits on none for long. */
const REMOVE_BATCH = 200;
const LIMITS = { days: [1, 365], num: [1, 1000] } as const;

const invalid = (message: string) => new RetentionError('RETENTION_INVALID', message);

function whole(value: string | undefined, name: 'days' | 'num'): number {
  const [min, max] = LIMITS[name];
  if (value === undefined || !/^\d{1,4}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw invalid(`params.${name} must be a whole number from ${min} to ${max}, as a string`);
  }
  return Number(value);
}

/** A rule as SWR spells it, checked and read: one parameter, its template's, in range; exceptions that are safe to match. */
export function checkedRule(rule: RetentionRulePayload): RetentionRule {
  const expected = rule.template === 'date_rule' ? 'days' : 'num';
  const extra = Object.keys(rule.params).find((k) => k !== expected);
  if (extra !== undefined) throw invalid(`${rule.template} takes params.${expected} only, not ${extra.slice(0, 32)}`);
  for (const s of rule.tag_selectors) {
    if (s.kind !== 'regexp') continue;
    const unsafe = tagPatternUnsafety(s.pattern);
    if (unsafe) throw invalid(`unsafe tag_selectors pattern: ${unsafe}`);
    try {
      new RegExp(s.pattern);
    } catch (error) {
      throw invalid(`invalid tag_selectors pattern: ${(error as Error).message}`);
    }
  }
  const selectors = rule.tag_selectors.map((s) => ({ kind: s.kind, pattern: s.pattern }));
  return rule.template === 'date_rule'
    ? { template: 'date_rule', days: whole(rule.params.days, 'days'), selectors }
    : { template: 'tag_rule', num: whole(rule.params.num, 'num'), selectors };
}

/** SWR's `rule_type`: the rule as JSON, exactly as it was set. */
export const ruleType = (rule: RetentionRulePayload) => JSON.stringify({ template: rule.template, params: rule.params, tag_selectors: rule.tag_selectors });

function policyOf(record: PolicyRecord): RetentionPolicy {
  return { algorithm: 'or', rules: record.rules.map(checkedRule) };
}

function payloadOf(record: PolicyRecord): RetentionPolicyPayload {
  return { id: record.id, repository: record.repository, algorithm: 'or', rules: [...record.rules], scope: '' };
}

/**
 * A repository's retention policy (one at most, as SWR's console allows): checked when set,
 * applied at once (by a job) when created or changed, and by the daily run. Applying one deletes
 * the tags no rule keeps through the metadata service, as a user's delete would, and logs each.
 */
export class RetentionPolicies {
  constructor(
    private readonly store: RetentionStore,
    private readonly tags: TagCatalog,
    private readonly jobs: RetentionJobs,
    private readonly now: () => Date = () => new Date(),
    /** Runs a policy's deletes as the system acting for that policy (what the trail and webhooks then name). */
    private readonly actingFor: <T>(policy: PolicyRecord, work: () => Promise<T>) => Promise<T> = (_policy, work) => work(),
  ) {}

  /** Applies the policy soon, on some replica (the API's "run now"). */
  async execute(repository: string, id: number): Promise<void> {
    await this.found(repository, id);
    await this.jobs.enqueue(repository, id);
  }

  async create(repository: string, accountId: string, rules: readonly RetentionRulePayload[]): Promise<number> {
    rules.forEach(checkedRule);
    const id = await this.store.create(repository, accountId, rules);
    if (id === undefined) throw new RetentionError('RETENTION_CONFLICT', `repository ${repository} has a retention policy already`);
    await this.jobs.enqueue(repository, id);
    return id;
  }

  async list(repository: string): Promise<RetentionPolicyPayload[]> {
    return (await this.store.list(repository)).map(payloadOf);
  }

  async get(repository: string, id: number): Promise<RetentionPolicyPayload> {
    return payloadOf(await this.found(repository, id));
  }

  async update(repository: string, id: number, rules: readonly RetentionRulePayload[]): Promise<void> {
    rules.forEach(checkedRule);
    if (!(await this.store.update(repository, id, rules))) throw notFound(id);
    await this.jobs.enqueue(repository, id);
  }

  async remove(repository: string, id: number): Promise<void> {
    if (!(await this.store.remove(repository, id))) throw notFound(id);
  }

  forgetRepository(repository: string): Promise<void> {
    return this.store.forgetRepository(repository);
  }

  histories(repository: string, limit: number, offset: number): Promise<{ logs: RetentionLogPayload[]; total: number }> {
    return this.store.histories(repository, limit, offset);
  }

  /** Applies the policy now. A dry run answers what would go and removes nothing. A policy deleted meanwhile does nothing. */
  async run(repository: string, id: number, dryRun: boolean): Promise<RemovedTag[]> {
    const record = await this.store.find(repository, id);
    if (!record) {
      if (dryRun) throw notFound(id);
      return [];
    }
    const candidates = await this.tags.candidates(repository);
    if (!candidates) return [];
    const removals = tagsToRemove(candidates, policyOf(record), this.now());
    const byTag = new Map(removals.map((r) => [r.tag, { tag: r.tag, digest: r.digest, ruleType: ruleType(record.rules[0]) }]));
    if (dryRun) return [...byTag.values()];
    return this.actingFor(record, async () => {
      const removed: RemovedTag[] = [];
      for (let i = 0; i < removals.length; i += REMOVE_BATCH) {
        const batch = removals.slice(i, i + REMOVE_BATCH).map((r) => ({ tag: r.tag, digest: r.digest }));
        const gone = (await this.tags.remove(repository, batch)).map((tag) => byTag.get(tag)).filter((r): r is RemovedTag => r !== undefined);
        await this.store.recordRemovals(record, gone);
        removed.push(...gone);
      }
      return removed;
    });
  }

  /** The daily run: every policy in turn; one that fails does not stop the others. */
  async runAll(onFailure: (repository: string, error: unknown) => void): Promise<number> {
    let ran = 0;
    for (let after = 0; ; ) {
      const page = await this.store.page(after, 100);
      if (!page.length) return ran;
      for (const policy of page) {
        await this.run(policy.repository, policy.id, false).then(
          () => (ran += 1),
          (error: unknown) => onFailure(policy.repository, error),
        );
      }
      after = page[page.length - 1].id;
    }
  }

  private async found(repository: string, id: number): Promise<PolicyRecord> {
    const record = await this.store.find(repository, id);
    if (!record) throw notFound(id);
    return record;
  }
}

function notFound(id: number): RetentionError {
  return new RetentionError('RETENTION_NOT_FOUND', `retention policy ${id} not found`);
}
