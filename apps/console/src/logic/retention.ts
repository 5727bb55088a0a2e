import { listOf, notATag } from './tags';

/** SWR's retention rule templates: keep the tags pushed in the last N days, or the N most recent. */
export type RetentionTemplate = 'date_rule' | 'tag_rule';

export interface TagSelector {
  readonly kind: 'label' | 'regexp';
  readonly pattern: string;
}

export interface RetentionRule {
  readonly template: RetentionTemplate;
  readonly params: Record<string, string>;
  readonly tag_selectors: TagSelector[];
}

/** A retention policy as SWR's API takes it: one rule, algorithm "or". */
export interface RetentionPolicyBody {
  readonly algorithm: 'or';
  readonly rules: RetentionRule[];
}

/** What the retention form holds: the rule, its number, and the exceptions as typed (tags and expressions separated by `;`). */
export interface RetentionForm {
  readonly template: RetentionTemplate;
  readonly count: string;
  readonly exceptTags: string;
  readonly exceptPatterns: string;
}

export const EMPTY_RETENTION_FORM: RetentionForm = { template: 'date_rule', count: '30', exceptTags: '', exceptPatterns: '' };

const RANGE: Readonly<Record<RetentionTemplate, readonly [number, number, string]>> = {
  date_rule: [1, 365, 'days'],
  tag_rule: [1, 1000, 'num'],
};

/** Why the form cannot be saved, or undefined when it can; the server checks again (and refuses expressions that could backtrack without bound). */
export function retentionProblem(form: RetentionForm): string | undefined {
  const [min, max] = RANGE[form.template];
  const what = form.template === 'date_rule' ? 'The number of days' : 'The number of tags';
  if (!/^\d{1,4}$/.test(form.count.trim()) || Number(form.count) < min || Number(form.count) > max) return `${what} must be a whole number from ${min} to ${max}.`;
  const badTag = notATag(listOf(form.exceptTags));
  if (badTag) return badTag;
  for (const pattern of listOf(form.exceptPatterns)) {
    if (pattern.length > 256) return 'A regular expression can have at most 256 characters.';
    try {
      new RegExp(pattern);
    } catch {
      return `"${pattern}" is not a valid regular expression.`;
    }
  }
  if (listOf(form.exceptTags).length + listOf(form.exceptPatterns).length > 100) return 'At most 100 exceptions.';
  return undefined;
}

export function retentionBody(form: RetentionForm): RetentionPolicyBody {
  const [, , param] = RANGE[form.template];
  const tag_selectors = [
    ...listOf(form.exceptTags).map((pattern) => ({ kind: 'label' as const, pattern })),
    ...listOf(form.exceptPatterns).map((pattern) => ({ kind: 'regexp' as const, pattern })),
  ];
  return { algorithm: 'or', rules: [{ template: form.template, params: { [param]: String(Number(form.count)) }, tag_selectors }] };
}

/** The form of a saved policy's first rule (SWR's console sets one rule). */
export function retentionFormOf(rule: RetentionRule): RetentionForm {
  const of = (kind: TagSelector['kind']) =>
    rule.tag_selectors
      .filter((selector) => selector.kind === kind)
      .map((selector) => selector.pattern)
      .join(';');
  return { template: rule.template, count: rule.params[RANGE[rule.template][2]] ?? '', exceptTags: of('label'), exceptPatterns: of('regexp') };
}

/** A rule in words, as the policy and the histories show it. */
export function describeRule(rule: RetentionRule): string {
  const keep = rule.template === 'date_rule' ? `Keep the tags pushed in the last ${rule.params['days']} days` : `Keep the ${rule.params['num']} most recently pushed tags`;
  const except = rule.tag_selectors.map((selector) => (selector.kind === 'label' ? selector.pattern : `/${selector.pattern}/`));
  return except.length ? `${keep}, and always ${except.join(', ')}` : keep;
}

/** A history's `rule_type` (the rule as JSON) in words; the raw text when it is not a rule. */
export function describeRuleType(ruleType: string): string {
  try {
    const rule = JSON.parse(ruleType) as RetentionRule;
    if ((rule.template === 'date_rule' || rule.template === 'tag_rule') && rule.params && Array.isArray(rule.tag_selectors)) return describeRule(rule);
  } catch {
    return ruleType;
  }
  return ruleType;
}
