import { GiveUp, retryDelayMs, RetryLater } from './job-queue';

describe('retryDelayMs', () => {
  const settings = { attempts: 10, backoffMs: 1_000, maxBackoffMs: 5_000 };
  const lowest = () => 0;
  const highest = () => 1;

  it('doubles the backoff with each retry, up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((failed) => retryDelayMs(settings, failed, new Error('503'), highest))).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('jitters each delay between half and all of the backoff', () => {
    expect(retryDelayMs(settings, 2, new Error('503'), lowest)).toBe(1_000);
    expect(retryDelayMs(settings, 2, new Error('503'), () => 0.5)).toBe(1_500);
    for (let i = 0; i < 100; i++) {
      const delay = retryDelayMs(settings, 3, new Error('503'));
      expect(delay).toBeGreaterThanOrEqual(2_000);
      expect(delay).toBeLessThanOrEqual(4_000);
    }
  });

  it('caps at an hour when no cap is given, whatever the number of retries', () => {
    expect(retryDelayMs({ attempts: 100, backoffMs: 1_000 }, 80, new Error('503'), highest)).toBe(3_600_000);
  });

  it('waits the delay a RetryLater asks for, beyond the cap too, and the backoff when it asks for none', () => {
    expect(retryDelayMs(settings, 1, new RetryLater('429', 120_000), lowest)).toBe(120_000);
    expect(retryDelayMs(settings, 1, new RetryLater('429', 0), lowest)).toBe(0);
    expect(retryDelayMs(settings, 1, new RetryLater('429', -5), lowest)).toBe(0);
    expect(retryDelayMs(settings, 2, new RetryLater('429'), highest)).toBe(2_000);
    expect(retryDelayMs(settings, 2, new RetryLater('429', Number.NaN), highest)).toBe(2_000);
  });

  it('keeps a delay within what a timer can wait', () => {
    expect(retryDelayMs(settings, 1, new RetryLater('429', 90 * 24 * 3_600_000))).toBe(2 ** 31 - 1);
  });
});

describe('RetryLater and GiveUp', () => {
  it('are errors that say what they are', () => {
    expect(new RetryLater('429', 10)).toMatchObject({ name: 'RetryLater', message: '429', delayMs: 10 });
    expect(new RetryLater('429')).toBeInstanceOf(Error);
    expect(new GiveUp('404')).toMatchObject({ name: 'GiveUp', message: '404' });
    expect(String(new GiveUp('404'))).toBe('GiveUp: 404');
  });
});
