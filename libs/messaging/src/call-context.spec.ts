import type { CallContext } from '@swr/contracts';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { beginCall, currentCall, runInCall } from './call-context';

const call = (requestId: string): CallContext => ({ requestId, actor: { userName: `user-of-${requestId}` } });

/** The request id seen by work started now, after a few turns of the event loop. */
async function seenLater(): Promise<string | undefined> {
  await nextTurn();
  await Promise.resolve();
  await nextTurn();
  return currentCall()?.requestId;
}

describe('call context', () => {
  it('reaches all the work a call starts, across awaits, until that work settles', async () => {
    await expect(runInCall(call('a'), () => seenLater())).resolves.toBe('a');
    expect(currentCall()).toBeUndefined();
  });

  it('keeps each of two overlapping calls apart when the first ends before the second', async () => {
    let seenByB: Promise<string | undefined> | undefined;
    const endA = beginCall(call('a'), () => undefined);
    const endB = beginCall(call('b'), () => void (seenByB = seenLater()));
    endA();
    await expect(seenByB).resolves.toBe('b');
    endB();
  });

  it('lasts, for a call begun, until it is ended, however long after its first function returned', async () => {
    let seen: Promise<string | undefined> | undefined;
    let second: Promise<string | undefined> | undefined;
    const end = beginCall(call('req'), () => {
      seen = seenLater();
      second = seen.then(() => seenLater());
    });
    await expect(seen).resolves.toBe('req');
    await expect(second).resolves.toBe('req');
    end();
    end();
    expect(currentCall()).toBeUndefined();
  });

  it('gives a call entered after every other has ended its own context', async () => {
    beginCall(call('first'), () => undefined)();
    await expect(runInCall(call('next'), () => seenLater())).resolves.toBe('next');
    await expect(runInCall(call('sync'), () => currentCall()?.requestId)).toBe('sync');
  });

  it('ends a call whose work throws, and lets the error through', async () => {
    expect(() => runInCall(call('x'), () => { throw new Error('boom'); })).toThrow('boom');
    await expect(runInCall(call('y'), async () => Promise.reject(new Error('late boom')))).rejects.toThrow('late boom');
    await expect(runInCall(call('z'), () => seenLater())).resolves.toBe('z');
  });
});
