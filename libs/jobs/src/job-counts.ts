import type { Queue } from 'bullmq';

/** A shared queue's jobs by state, across every replica that takes from it. */
export interface JobCounts {
  /** Ready to run, waiting for a worker (retries and schedules not yet due are not counted). */
  readonly waiting: number;
  /** Being handled now. */
  readonly active: number;
}

/** A queue that can say how many of its jobs wait and run, for metrics. */
export interface CountedQueue {
  readonly queueName: string;
  counts(): Promise<JobCounts>;
}

/** BullMQ's counts of `queue`: prioritized jobs are as ready to run as waiting ones. */
export async function bullJobCounts(queue: Queue): Promise<JobCounts> {
  const counts = await queue.getJobCounts('waiting', 'prioritized', 'active');
  return { waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0), active: counts.active ?? 0 };
}
