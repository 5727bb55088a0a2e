import type { GarbageRunPayload } from '@swr/contracts';
import { GarbageCollector, GarbageCounts, GarbageSettings, noGarbage } from './garbage-collector';

export type GarbageTrigger = GarbageRunPayload['trigger'];

/** The history of collections. */
export interface GarbageRuns {
  start(trigger: GarbageTrigger, dryRun: boolean): Promise<string>;
  finish(id: string, counts: GarbageCounts, error?: string): Promise<void>;
  get(id: string): Promise<GarbageRunPayload | undefined>;
  list(limit: number, offset: number): Promise<{ runs: GarbageRunPayload[]; total: number }>;
}

/**
 * Runs collections and keeps their history. A collection runs in the background (one at a time
 * here; replicas running at once share the work, never a row); a dry run answers at once.
 */
export class GarbageService {
  private running: { readonly id: string; readonly done: Promise<void> } | undefined;

  constructor(
    private readonly collector: GarbageCollector,
    private readonly runs: GarbageRuns,
    private readonly settings: GarbageSettings,
    private readonly log: (message: string) => void = () => undefined,
  ) {}

  async run(trigger: GarbageTrigger, dryRun: boolean): Promise<GarbageRunPayload> {
    if (dryRun) {
      const id = await this.runs.start(trigger, true);
      await this.runs.finish(id, await this.collector.dryRun(this.settings));
      return this.found(id);
    }
    if (this.running) return this.found(this.running.id);
    const id = await this.runs.start(trigger, false);
    const done = this.collector.collect(this.settings).then(
      (counts) => this.runs.finish(id, counts),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.log(`garbage collection ${id} failed: ${message}`);
        return this.runs.finish(id, noGarbage(), message.slice(0, 1000));
      },
    );
    this.running = { id, done: done.finally(() => (this.running = undefined)) };
    return this.found(id);
  }

  get(id: string): Promise<GarbageRunPayload | undefined> {
    return this.runs.get(id);
  }

  list(limit: number, offset: number): Promise<{ runs: GarbageRunPayload[]; total: number }> {
    return this.runs.list(limit, offset);
  }

  /** Lets a collection in progress finish (on shutdown, before the database goes). */
  async settle(): Promise<void> {
    await this.running?.done;
  }

  private async found(id: string): Promise<GarbageRunPayload> {
    const run = await this.runs.get(id);
    if (!run) throw new Error(`garbage collection run ${id} vanished`);
    return run;
  }
}
