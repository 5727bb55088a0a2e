export { freePort, freePorts } from '@swr/db';

/** Thrown by a waitFor check when waiting longer cannot help (a process it waits on has exited). */
export class StopWaiting extends Error {}

/** Polls `check` until it says yes; a check that throws counts as not yet, unless it throws StopWaiting. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = await check().catch((error: unknown) => {
      if (error instanceof StopWaiting) throw error;
      return false;
    });
    if (done) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
