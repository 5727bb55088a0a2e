/** A share's end as SWR takes it: `forever`, or the last day it holds (UTC), as a timestamp of that day's start. */
export function shareDeadline(forever: boolean, date: string): string {
  return forever ? 'forever' : `${date}T00:00:00Z`;
}

const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Why the share cannot be added, or undefined when it can; `today` is the UTC date (YYYY-MM-DD). */
export function shareProblem(account: string, forever: boolean, date: string, today: string): string | undefined {
  if (!account.trim()) return 'Enter the account to share with.';
  if (!ACCOUNT.test(account.trim())) return 'An account name is 1 to 64 letters, digits, periods (.), underscores (_) or hyphens (-), starting with a letter or digit.';
  if (forever) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) return 'Choose the last day of the share, or Permanent.';
  if (date < today) return 'The last day of the share cannot be in the past.';
  return undefined;
}

/** A share's deadline as the list shows it: "Permanent" or its last day. */
export function deadlineText(deadline: string): string {
  if (deadline === 'forever') return 'Permanent';
  return /^\d{4}-\d{2}-\d{2}/.test(deadline) ? `Until ${deadline.slice(0, 10)}` : deadline;
}

/** The date part (YYYY-MM-DD) of a deadline, for the date picker; empty for a permanent share. */
export const deadlineDate = (deadline: string): string => (/^\d{4}-\d{2}-\d{2}/.test(deadline) ? deadline.slice(0, 10) : '');
