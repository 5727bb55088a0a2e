import { hashPassword, verifyPassword } from './secrets';
import { VerifiedPasswords } from './verified-passwords';

describe('VerifiedPasswords', () => {
  let clock: number;
  let stored: string;
  let scryptRuns: number;
  let passwords: VerifiedPasswords;

  beforeEach(async () => {
    clock = 1_000_000;
    scryptRuns = 0;
    stored = await hashPassword('correct horse');
    const check = (password: string, hash: string) => {
      scryptRuns += 1;
      return verifyPassword(password, hash);
    };
    passwords = new VerifiedPasswords({ ttlMs: 60_000, maxEntries: 2, now: () => clock, check });
  });

  it('trusts a password it verified a moment ago without scrypt again', async () => {
    expect(await passwords.verify('correct horse', stored)).toBe(true);
    expect(await passwords.verify('correct horse', stored)).toBe(true);
    expect(scryptRuns).toBe(1);
  });

  it('never accepts a wrong password, even right after the right one, and never spares it scrypt', async () => {
    await passwords.verify('correct horse', stored);
    expect(await passwords.verify('wrong horse', stored)).toBe(false);
    expect(await passwords.verify('correct horse ', stored)).toBe(false);
    expect(await passwords.verify('wrong horse', stored)).toBe(false);
    expect(await passwords.verify('wrong horse', 'plain$text')).toBe(false);
    expect(scryptRuns).toBe(5);
  });

  it('forgets the old password once the stored hash changes', async () => {
    await passwords.verify('correct horse', stored);
    const changed = await hashPassword('battery staple');
    expect(await passwords.verify('correct horse', changed)).toBe(false);
    expect(await passwords.verify('battery staple', changed)).toBe(true);
  });

  it('pays scrypt again once the entry is older than its lifetime', async () => {
    await passwords.verify('correct horse', stored);
    clock += 60_001;
    expect(await passwords.verify('correct horse', stored)).toBe(true);
    expect(scryptRuns).toBe(2);
  });

  it('keeps no more entries than it is allowed, dropping the oldest', async () => {
    const others = await Promise.all(['a password', 'b password'].map((p) => hashPassword(p)));
    await passwords.verify('correct horse', stored);
    await passwords.verify('a password', others[0]);
    await passwords.verify('b password', others[1]);
    scryptRuns = 0;
    await passwords.verify('b password', others[1]);
    expect(scryptRuns).toBe(0);
    await passwords.verify('correct horse', stored);
    expect(scryptRuns).toBe(1);
  });
});
