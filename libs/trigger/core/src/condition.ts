import { TriggerError } from './trigger-error';

export type TriggerType = 'all' | 'tag' | 'regular';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const MAX_PATTERN = 256;
const MAX_TAGS = 100;

/** What makes a regular expression slow or unbounded: back-references, look-arounds, and a quantifier over something quantified. */
function unsafety(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (/\(\?<?[=!]/.test(pattern)) return 'look-arounds are not allowed';
  // Walk the groups: a group that contains a quantifier (or an alternation) and is itself
  // quantified can backtrack exponentially, e.g. (a+)+ or (a|aa)*.
  const stack: Array<{ risky: boolean }> = [{ risky: false }];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      i = end < 0 ? pattern.length : end;
      continue;
    }
    if (c === '(') stack.push({ risky: false });
    else if (c === ')') {
      const group = stack.pop() ?? { risky: false };
      const quantified = /^[*+?{]/.test(pattern.slice(i + 1));
      if (group.risky && quantified) return 'a repeated group may not itself repeat or alternate, e.g. (a+)+';
      if (group.risky || quantified) stack[stack.length - 1].risky = true;
    } else if (/[*+{]/.test(c) || c === '|') stack[stack.length - 1].risky = true;
  }
  return undefined;
}

/**
 * The condition of a trigger, checked once at creation: `all` is `.*`; `tag` a `;`-separated list
 * of tags; `regular` a regular expression of bounded length with no construct that can backtrack
 * without bound, so that matching a tag (at most 128 characters) stays cheap.
 */
export function checkedCondition(type: TriggerType, condition: string): string {
  if (type === 'all') {
    if (condition !== '' && condition !== '.*') throw new TriggerError('TRIGGER_INVALID', 'trigger_type all takes the condition .*');
    return '.*';
  }
  if (type === 'tag') {
    const tags = condition.split(';').filter(Boolean);
    if (!tags.length || tags.length > MAX_TAGS) throw new TriggerError('TRIGGER_INVALID', `trigger_type tag takes 1 to ${MAX_TAGS} tags separated by ;`);
    const bad = tags.find((t) => !TAG.test(t));
    if (bad !== undefined) throw new TriggerError('TRIGGER_INVALID', `invalid tag in condition: ${bad.slice(0, 130)}`);
    return tags.join(';');
  }
  if (!condition || condition.length > MAX_PATTERN) throw new TriggerError('TRIGGER_INVALID', `a regular condition is 1 to ${MAX_PATTERN} characters`);
  const unsafe = unsafety(condition);
  if (unsafe) throw new TriggerError('TRIGGER_INVALID', `unsafe regular expression: ${unsafe}`);
  try {
    new RegExp(condition);
  } catch (error) {
    throw new TriggerError('TRIGGER_INVALID', `invalid regular expression: ${(error as Error).message}`);
  }
  return condition;
}

/**
 * Whether a pushed tag fires a trigger with this (checked) condition. A regular condition searches
 * the tag, as grep and Go's regexp.MatchString do: `^rel-` matches `rel-1`, and `^v1$` only `v1`.
 */
export function conditionMatches(type: TriggerType, condition: string, tag: string): boolean {
  if (type === 'all') return true;
  if (type === 'tag') return condition.split(';').includes(tag);
  return new RegExp(condition).test(tag);
}
