import { loadSession, saveSession, type Session } from './session';

const memory = () => {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
};
const session: Session = { token: 't', account: 'swr', user: 'admin', userId: 'u', projectId: 'p', region: 'cn-north-4', expiresAt: '2026-12-06T00:00:00Z', admin: true };

describe('the session', () => {
  it('is kept until it expires or the user signs out', () => {
    const storage = memory();
    saveSession(session, storage);
    expect(loadSession(storage, Date.parse('2026-12-05T00:00:00Z'))).toEqual(session);
    expect(loadSession(storage, Date.parse('2026-12-06T00:00:01Z'))).toBeUndefined();
    saveSession(undefined, storage);
    expect(loadSession(storage, Date.parse('2026-12-05T00:00:00Z'))).toBeUndefined();
  });

  it('ignores what it cannot read', () => {
    const storage = memory();
    storage.setItem('swr.console.session', '{not json');
    expect(loadSession(storage)).toBeUndefined();
    storage.setItem('swr.console.session', JSON.stringify({ ...session, userId: undefined }));
    expect(loadSession(storage, Date.parse('2026-12-05T00:00:00Z'))).toBeUndefined();
  });
});
