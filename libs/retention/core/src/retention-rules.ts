/** A tag of the repository a policy applies to, as the rules see it. */
export interface CandidateTag {
  readonly name: string;
  readonly digest: string;
  /** When the tag last moved (a push, or a retag): what "pushed within N days" and "most recent" read. */
  readonly pushedAt: Date;
}

/** An exception that a rule never removes: `label` an exact tag, `regexp` a pattern searched in the tag. */
export interface TagSelector {
  readonly kind: 'label' | 'regexp';
  readonly pattern: string;
}

/** SWR's two templates: keep the tags pushed within `days` days, or keep the `num` most recent tags. */
export type RetentionRule =
  | { readonly template: 'date_rule'; readonly days: number; readonly selectors: readonly TagSelector[] }
  | { readonly template: 'tag_rule'; readonly num: number; readonly selectors: readonly TagSelector[] };

export interface RetentionPolicy {
  /** Always `or`: a tag stays when any rule keeps it. */
  readonly algorithm: 'or';
  readonly rules: readonly RetentionRule[];
}

export interface Removal {
  readonly tag: string;
  readonly digest: string;
  /** The rule that let it go: the first rule of the policy (each rule would have removed it). */
  readonly rule: RetentionRule;
}

const DAY_MS = 86_400_000;

/**
 * cosign's tag scheme for what belongs to an image (`sha256-<hex>.sig`, `.att`, `.sbom`): not
 * versions of the repository but accessories of the image they name, so they are never counted or
 * aged themselves; they go with the last tag of their image.
 */
const ACCESSORY = /^(sha256|sha512)-([a-f0-9]{64}|[a-f0-9]{128})\.(sig|att|sbom)$/;

function accessoryOf(tag: string): string | undefined {
  const match = ACCESSORY.exec(tag);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

function exempt(rule: RetentionRule, tag: string): boolean {
  return rule.selectors.some((s) => (s.kind === 'label' ? s.pattern === tag : new RegExp(s.pattern).test(tag)));
}

/** Newest first; tags pushed at the same instant in byte order of their names, descending, so that the answer never depends on the order tags were listed in. */
function newestFirst(a: CandidateTag, b: CandidateTag): number {
  return b.pushedAt.getTime() - a.pushedAt.getTime() || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);
}

function keptBy(rule: RetentionRule, versions: readonly CandidateTag[], now: Date): Set<string> {
  const kept = new Set(versions.filter((t) => exempt(rule, t.name)).map((t) => t.name));
  if (rule.template === 'date_rule') {
    const since = now.getTime() - rule.days * DAY_MS;
    for (const t of versions) if (t.pushedAt.getTime() >= since) kept.add(t.name);
  } else {
    // The most recent `num` among the tags the rule decides on: its exceptions are kept besides.
    for (const t of [...versions].filter((v) => !kept.has(v.name)).sort(newestFirst).slice(0, rule.num)) kept.add(t.name);
  }
  return kept;
}

/**
 * The tags a policy removes now, in the order to remove them (oldest first). A tag goes when no
 * rule keeps it; removing a tag removes only that name (an image that another kept tag names
 * stays whole), and an accessory tag goes when every tag of its image goes. Pure: no I/O.
 */
export function tagsToRemove(tags: readonly CandidateTag[], policy: RetentionPolicy, now: Date): Removal[] {
  if (!policy.rules.length) return [];
  const versions = tags.filter((t) => accessoryOf(t.name) === undefined);
  const kept = new Set<string>();
  for (const rule of policy.rules) for (const name of keptBy(rule, versions, now)) kept.add(name);
  const removed = versions.filter((t) => !kept.has(t.name));
  const keptDigests = new Set(versions.filter((t) => kept.has(t.name)).map((t) => t.digest));
  const removedDigests = new Set(removed.map((t) => t.digest));
  const accessories = tags.filter((t) => {
    const subject = accessoryOf(t.name);
    return subject !== undefined && removedDigests.has(subject) && !keptDigests.has(subject) && !policy.rules.some((r) => exempt(r, t.name));
  });
  const rule = policy.rules[0];
  return [...removed, ...accessories]
    .sort((a, b) => -newestFirst(a, b))
    .map((t) => ({ tag: t.name, digest: t.digest, rule }));
}
