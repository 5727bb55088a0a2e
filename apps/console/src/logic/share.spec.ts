import { deadlineDate, deadlineText, shareDeadline, shareProblem } from './share';

describe('shares', () => {
  it("write SWR's deadline: forever, or the last day at 00:00 UTC", () => {
    expect(shareDeadline(true, '2030-01-31')).toBe('forever');
    expect(shareDeadline(false, '2030-01-31')).toBe('2030-01-31T00:00:00Z');
  });

  it('check the account and the last day', () => {
    expect(shareProblem('other-account', true, '', '2026-12-05')).toBeUndefined();
    expect(shareProblem('other', false, '2026-12-05', '2026-12-05')).toBeUndefined();
    expect(shareProblem('', true, '', '2026-12-05')).toBe('Enter the account to share with.');
    expect(shareProblem('no space', true, '', '2026-12-05')).toContain('account name');
    expect(shareProblem('other', false, '', '2026-12-05')).toContain('Choose the last day');
    expect(shareProblem('other', false, '2026-12-04', '2026-12-05')).toContain('in the past');
  });

  it('show a deadline as the list says it', () => {
    expect(deadlineText('forever')).toBe('Permanent');
    expect(deadlineText('2030-01-31T00:00:00Z')).toBe('Until 2030-01-31');
    expect(deadlineDate('2030-01-31T00:00:00Z')).toBe('2030-01-31');
    expect(deadlineDate('forever')).toBe('');
  });
});
