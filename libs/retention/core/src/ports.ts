import type { RetentionLogPayload, RetentionRulePayload } from '@swr/contracts';
import type { CandidateTag } from './retention-rules';

/** A stored policy: SWR's shape (rules as sent, with string params), and the account it belongs to. */
export interface PolicyRecord {
  readonly id: number;
  readonly repository: string;
  readonly accountId: string;
  readonly rules: readonly RetentionRulePayload[];
}

export interface RemovedTag {
  readonly tag: string;
  readonly digest: string;
  readonly ruleType: string;
}

export interface RetentionStore {
  /** Undefined when the repository has a policy already (one per repository). */
  create(repository: string, accountId: string, rules: readonly RetentionRulePayload[]): Promise<number | undefined>;
  list(repository: string): Promise<PolicyRecord[]>;
  /** Every policy, for the daily run: `after` an id, `limit` at a time. */
  page(after: number, limit: number): Promise<PolicyRecord[]>;
  find(repository: string, id: number): Promise<PolicyRecord | undefined>;
  update(repository: string, id: number, rules: readonly RetentionRulePayload[]): Promise<boolean>;
  remove(repository: string, id: number): Promise<boolean>;
  forgetRepository(repository: string): Promise<void>;
  recordRemovals(policy: PolicyRecord, removed: readonly RemovedTag[]): Promise<void>;
  histories(repository: string, limit: number, offset: number): Promise<{ logs: RetentionLogPayload[]; total: number }>;
}

/** The repository's tags, as the metadata service has them. */
export interface TagCatalog {
  /** Undefined when the repository does not exist. */
  candidates(repository: string): Promise<CandidateTag[] | undefined>;
  /** Deletes the tags that still point at the digest given; answers those deleted. */
  remove(repository: string, tags: ReadonlyArray<{ tag: string; digest: string }>): Promise<string[]>;
}

/** Runs a policy later (on creation and change), on some replica. */
export interface RetentionJobs {
  enqueue(repository: string, id: number): Promise<void>;
}
