import type { NewTrigger, TriggerHistoryView, WebhookSettings } from '@swr/contracts';
import type { Delivery } from './delivery';

/** A trigger as stored, its webhook secret included. */
export interface TriggerRecord extends Omit<NewTrigger, 'webhook'> {
  readonly id: string;
  readonly webhook?: WebhookSettings;
  readonly createdAt: Date;
}

export interface HistoryEntry {
  readonly deliveryId: string;
  readonly triggerId: string;
  readonly attempt: number;
  readonly result: 'success' | 'failed';
  readonly status: number;
  readonly detail: string;
  readonly durationMs: number;
}

/** The trigger worker's tables. */
export interface TriggerStore {
  /** False when the repository already has a trigger of that name. */
  create(trigger: NewTrigger): Promise<boolean>;
  find(repository: string, name: string): Promise<TriggerRecord | undefined>;
  findById(id: string): Promise<TriggerRecord | undefined>;
  list(repository: string): Promise<TriggerRecord[]>;
  /** The enabled triggers of each of these repositories. */
  enabledFor(repositories: readonly string[]): Promise<TriggerRecord[]>;
  setEnabled(repository: string, name: string, enabled: boolean): Promise<boolean>;
  remove(repository: string, name: string): Promise<boolean>;
  /** Records that a delivery was asked for again (an audited operation). */
  recordRedelivery(repository: string, name: string, deliveryId: string): Promise<void>;
  /** Forgets a deleted repository's triggers. */
  removeRepository(repository: string): Promise<number>;
  /** Keeps what deliveries send (once each), unsettled, before they are enqueued: so that they can be resumed and sent again. */
  saveDeliveries(deliveries: readonly DeliveryJob[]): Promise<void>;
  /** Marks a delivery ended: delivered, given up, or its trigger gone. */
  settle(triggerId: string, deliveryId: string): Promise<void>;
  /** Deliveries not yet ended, oldest first. */
  unsettled(limit: number): Promise<DeliveryJob[]>;
  findDelivery(triggerId: string, deliveryId: string): Promise<Delivery | undefined>;
  addHistory(entry: HistoryEntry): Promise<void>;
  /** The newest entries of each trigger, newest first. */
  histories(triggerIds: readonly string[], perTrigger: number): Promise<Map<string, TriggerHistoryView[]>>;
}

/** A delivery waiting to be attempted; `key` makes enqueueing idempotent. */
export interface DeliveryJob {
  readonly triggerId: string;
  readonly delivery: Delivery;
}

export interface DeliveryQueue {
  /** False when a job of that key was already enqueued. */
  add(key: string, job: DeliveryJob): Promise<boolean>;
}

/** One POST to a webhook: its answer, or why there was none (refused address, timeout, network). */
export type WebhookAnswer = { status: number; retryAfter?: string; body: string } | { error: string };

/** Why a webhook host may not be reached (it resolves to a refused address, or not at all), or undefined. */
export interface WebhookTargets {
  refusal(url: URL): Promise<string | undefined>;
}

export interface WebhookSender {
  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookAnswer>;
}
