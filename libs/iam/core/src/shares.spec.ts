import { shareDeadline, shareEnd } from './shares';

describe('share deadlines', () => {
  it('end at the start of the UTC day after the deadline, whatever the time given', () => {
    expect(shareEnd('2030-10-01T00:00:00Z')?.toISOString()).toBe('2030-10-02T00:00:00.000Z');
    expect(shareEnd('2030-10-01T16:00:00.000Z')?.toISOString()).toBe('2030-10-02T00:00:00.000Z');
    expect(shareEnd('2030-10-01')?.toISOString()).toBe('2030-10-02T00:00:00.000Z');
    expect(shareEnd('forever')).toBeUndefined();
  });

  it('show as the last day they hold, or forever', () => {
    expect(shareDeadline({ endsAt: shareEnd('2030-10-01T16:00:00Z') })).toBe('2030-10-01T00:00:00Z');
    expect(shareDeadline({ endsAt: undefined })).toBe('forever');
  });

  it.each(['tomorrow', '', '10/01/2030', 'forever and ever'])('refuses the deadline %j', (deadline) => {
    expect(() => shareEnd(deadline)).toThrow(expect.objectContaining({ code: 'IAM_INVALID_REQUEST' }));
  });
});
