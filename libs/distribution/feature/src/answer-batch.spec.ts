import type { ServerResponse } from 'node:http';
import { AnswerBatch } from './answer-batch';

/** A response that records how it ended; `failing` makes its end throw, as a broken socket's may. */
function response(failing = false) {
  const seen = { ended: undefined as string | undefined, destroyed: false };
  const fake = {
    end(body?: string) {
      if (failing) throw new Error('the socket is gone');
      seen.ended = body ?? '';
    },
    destroy() {
      seen.destroyed = true;
    },
  };
  return { seen, response: fake as unknown as ServerResponse };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('AnswerBatch', () => {
  it('sends every answer queued in one turn of the event loop at its end, in order', async () => {
    const batch = new AnswerBatch();
    const first = response();
    const second = response();
    batch.end(first.response, 'one');
    batch.end(second.response, 'two');
    expect(first.seen.ended).toBeUndefined();
    await nextTurn();
    expect([first.seen.ended, second.seen.ended]).toEqual(['one', 'two']);
  });

  it('ends the connection of an answer that cannot be sent, and still sends the rest of its batch', async () => {
    const batch = new AnswerBatch();
    const broken = response(true);
    const after = response();
    batch.end(broken.response, 'lost');
    batch.end(after.response, 'delivered');
    await nextTurn();
    expect(broken.seen.destroyed).toBe(true);
    expect(after.seen.ended).toBe('delivered');
  });
});
