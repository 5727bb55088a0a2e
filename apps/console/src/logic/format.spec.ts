import { formatBytes, formatTime, formatUsage, pullCommand, shortDigest } from './format';

describe('formatting', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [10 * 1024, '10 KB'],
    [5 * 1024 ** 3, '5.0 GB'],
    [-1, '-'],
    [Number.NaN, '-'],
  ])('bytes %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('shows usage against a quota, or none', () => {
    expect(formatUsage(3, 15, false)).toBe('3 of 15 (20%)');
    expect(formatUsage(1536, 1024 ** 3, true)).toBe('1.5 KB of 1.0 GB (0%)');
    expect(formatUsage(20, 10, false)).toBe('20 of 10 (100%)');
    expect(formatUsage(5, -1, false)).toBe('5 (no limit)');
  });

  it('shows times in UTC to the second, and unreadable ones as they are', () => {
    expect(formatTime('2026-12-05T13:04:05.123Z')).toBe('2026-12-05 13:04:05 UTC');
    expect(formatTime('yesterday')).toBe('yesterday');
    expect(formatTime(null)).toBe('-');
  });

  it('shortens digests and writes pull commands', () => {
    expect(shortDigest('sha256:0123456789abcdef0123')).toBe('sha256:0123456789ab');
    expect(pullCommand('127.0.0.1:5000', 'acme', 'tools/alpine', '3')).toBe('docker pull 127.0.0.1:5000/acme/tools/alpine:3');
  });
});
