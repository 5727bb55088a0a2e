import { tagPatternUnsafety } from '@swr/oci';
import { TriggerError } from './trigger-error';

export type TriggerType = 'all' | 'tag' | 'regular';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const MAX_PATTERN = 256;
const MAX_TAGS = 100;

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
  const unsafe = tagPatternUnsafety(condition);
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
