/**
 * A condition, always true, that lets the transaction it runs in commit without waiting for its
 * write-ahead log to reach the disk: on these machines a durable commit waits ~3.6 ms for its
 * flush (and longer while blob bytes are being flushed), an unflushed one ~0.3 ms in all. Outside
 * a transaction block it covers its own statement only; inside one, the whole transaction.
 *
 * Only for writes a crash may take back without losing anything a client was promised, and
 * without leaving anything that nothing would collect: progress that is redone (an upload's part,
 * whose bytes are not flushed either until the blob is committed), or a removal that is repeated
 * (an outbox entry published again under its id, which the stream or the consumers' claims drop
 * as a duplicate). Only a crash of the database server or its machine can lose them (the server
 * has the commit whatever becomes of its client), and at most the last few hundred milliseconds
 * of them: its WAL writer flushes them in the background, and the log is sequential, so the next
 * durable commit takes them along.
 */
export const TRANSIENT_COMMIT = "set_config('synchronous_commit', 'off', true) IS NOT NULL";
