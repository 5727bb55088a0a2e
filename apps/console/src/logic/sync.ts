import { notATag } from './tags';

/** An organization in the remote region, as the sync API takes its name (libs/contracts remoteNamespace). */
const REMOTE_ORGANIZATION = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function remoteOrganizationProblem(name: string): string | undefined {
  if (!name) return 'Enter the organization in the target region.';
  return REMOTE_ORGANIZATION.test(name) ? undefined : 'An organization name is 1 to 64 lowercase letters, digits, periods (.), underscores (_) or hyphens (-), starting with a letter or digit.';
}

/** Why tags cannot be synced now, or undefined when they can: 1 to 100 tag names. */
export function manualSyncProblem(tags: readonly string[]): string | undefined {
  if (tags.length === 0) return 'Enter the tags to sync, separated by semicolons (;).';
  if (tags.length > 100) return 'At most 100 tags at once.';
  return notATag(tags);
}

/** What a manual sync started: a job per tag, except those SWR answered it could not sync (not in the repository). */
export function manualSyncMessage(requested: readonly string[], refused: readonly string[]): { kind: 'error' | 'info'; text: string } {
  const started = requested.filter((tag) => !refused.includes(tag));
  const none = refused.length ? `Not synced (not in this repository): ${refused.join(', ')}.` : '';
  if (started.length === 0) return { kind: 'error', text: none || 'Nothing to sync.' };
  return { kind: 'info', text: [`Sync jobs started for ${started.join(', ')}.`, none].filter(Boolean).join(' ') };
}
