import { attemptOutcome, deliveryBody, deliveryHeaders } from './delivery';
import type { DeliveryJob, DeliveryQueue, TriggerStore, WebhookSender } from './ports';
import { TriggerError } from './trigger-error';
import { Triggers } from './triggers';

/** After an attempt: done (delivered, or given up), or try again, after `afterMs` when the receiver said so. */
export type NextStep = { readonly again: false } | { readonly again: true; readonly afterMs?: number };

/** Attempts deliveries, records every attempt in the trigger's history, and redelivers on request. */
export class DeliveryRunner {
  constructor(
    private readonly store: TriggerStore,
    private readonly sender: WebhookSender,
    private readonly queue: DeliveryQueue,
    private readonly now: () => number = Date.now,
  ) {}

  /** One attempt (the `attempt`-th of `attempts`) of a delivery. */
  async attempt(job: DeliveryJob, attempt: number, attempts: number): Promise<NextStep> {
    const trigger = await this.store.findById(job.triggerId);
    const { delivery } = job;
    // Deleted or disabled since the event: nothing more to deliver.
    if (!trigger?.enabled || !trigger.webhook) return this.settled(job);
    const sentAt = Math.floor(this.now() / 1000);
    const body = deliveryBody(delivery, trigger.webhook.format, sentAt);
    const headers = deliveryHeaders(delivery, body, sentAt, { secret: trigger.webhook.secret, format: trigger.webhook.format, extra: trigger.webhook.headers });
    const started = this.now();
    const outcome = attemptOutcome(await this.sender.post(trigger.webhook.url, body, headers), this.now());
    await this.store.addHistory({
      deliveryId: delivery.id,
      triggerId: trigger.id,
      attempt,
      result: outcome.result,
      status: outcome.status,
      detail: outcome.detail.slice(0, 512),
      durationMs: this.now() - started,
    });
    if (outcome.result === 'success' || !outcome.retry || attempt >= attempts) return this.settled(job);
    return outcome.retryAfterMs === undefined ? { again: true } : { again: true, afterMs: outcome.retryAfterMs };
  }

  /** Enqueues again what had not ended when the worker last stopped (the queue ignores what it still holds). */
  async resume(): Promise<number> {
    const pending = await this.store.unsettled(10_000);
    await Promise.all(pending.map((job) => this.queue.add(job.delivery.id, job)));
    return pending.length;
  }

  private async settled(job: DeliveryJob): Promise<NextStep> {
    await this.store.settle(job.triggerId, job.delivery.id);
    return { again: false };
  }

  /** Sends a recorded delivery again, with the same delivery id, as a job of its own. */
  async redeliver(triggers: Triggers, repository: string, name: string, deliveryId: string): Promise<void> {
    const trigger = await triggers.found(repository, name);
    const delivery = await this.store.findDelivery(trigger.id, deliveryId);
    if (!delivery) throw new TriggerError('TRIGGER_NOT_FOUND', `delivery ${deliveryId.slice(0, 64)} not found`);
    await this.queue.add(`${deliveryId}.redelivery.${this.now()}`, { triggerId: trigger.id, delivery });
    await this.store.recordRedelivery(repository, name, deliveryId);
  }
}
