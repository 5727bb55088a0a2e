import { createHash, createHmac } from 'node:crypto';

/** What a matching image event becomes: one delivery per trigger, its id stable across retries. */
export interface Delivery {
  /** Stable across retries and redeliveries: the receiver's de-duplication key. */
  readonly id: string;
  readonly eventId: string;
  readonly event: 'push' | 'delete';
  readonly time: string;
  readonly organization: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
  readonly pusher: { readonly id: string; readonly name: string; readonly account: string };
  /** `host/org/repo:tag`, as `docker pull` takes it. */
  readonly pullAddress: string;
  readonly trigger: {
    readonly name: string;
    readonly action: string;
    readonly triggerMode: string;
    readonly appType: string;
    readonly application: string;
    readonly clusterId: string;
    readonly clusterName: string;
    readonly clusterNs: string;
    readonly container: string;
  };
}

/** The delivery id of an event for a trigger: the same event and trigger always give the same id. */
export function deliveryId(eventId: string, triggerId: string): string {
  const hex = createHash('sha256').update(`${eventId}/${triggerId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

const EVENT_TYPES = { push: 'com.huaweicloud.swr.image.pushed', delete: 'com.huaweicloud.swr.image.deleted' } as const;

/** The body of a delivery: SWR's default shape, or a CloudEvents 1.0 structured event. `sentAt` also rides in a header. */
export function deliveryBody(delivery: Delivery, format: 'default' | 'cloudevents', sentAt: number): string {
  const data = {
    event_id: delivery.eventId,
    event: delivery.event,
    time: delivery.time,
    organization: delivery.organization,
    repository: delivery.repository,
    tag: delivery.tag,
    digest: delivery.digest,
    media_type: delivery.mediaType,
    size: delivery.size,
    pusher: delivery.pusher,
    pull_address: delivery.pullAddress,
    trigger: {
      name: delivery.trigger.name,
      action: delivery.trigger.action,
      trigger_mode: delivery.trigger.triggerMode,
      app_type: delivery.trigger.appType,
      application: delivery.trigger.application,
      cluster_id: delivery.trigger.clusterId,
      cluster_name: delivery.trigger.clusterName,
      cluster_ns: delivery.trigger.clusterNs,
      container: delivery.trigger.container,
    },
    // Covered by the signature, so a replayed body shows its age whatever the headers say.
    sent_at: sentAt,
  };
  if (format === 'default') return JSON.stringify({ delivery_id: delivery.id, ...data });
  return JSON.stringify({
    specversion: '1.0',
    id: delivery.id,
    source: `/swr/${delivery.repository}`,
    type: EVENT_TYPES[delivery.event],
    subject: delivery.tag,
    time: delivery.time,
    datacontenttype: 'application/json',
    data,
  });
}

/** The headers of one attempt. With a secret: `X-SWR-Signature: sha256=<hex HMAC-SHA256 of the body>`. */
export function deliveryHeaders(delivery: Delivery, body: string, sentAt: number, options: { secret?: string; format: 'default' | 'cloudevents'; extra?: Record<string, string> }): Record<string, string> {
  return {
    ...options.extra,
    'content-type': options.format === 'cloudevents' ? 'application/cloudevents+json' : 'application/json',
    'user-agent': 'SWR-Webhook/1',
    'x-swr-event': delivery.event,
    'x-swr-delivery': delivery.id,
    'x-swr-timestamp': String(sentAt),
    ...(options.secret ? { 'x-swr-signature': `sha256=${createHmac('sha256', options.secret).update(body).digest('hex')}` } : {}),
  };
}

/** How one attempt ended, and what follows: done, another try (after a delay when the receiver asked), or giving up. */
export interface AttemptOutcome {
  readonly result: 'success' | 'failed';
  readonly retry: boolean;
  readonly retryAfterMs?: number;
  readonly status: number;
  readonly detail: string;
}

/** Retries on network failures, 429 and 5xx (honouring Retry-After); never on other answers. Redirects are not followed. */
export function attemptOutcome(answer: { status: number; retryAfter?: string; body: string } | { error: string }, now = Date.now()): AttemptOutcome {
  if ('error' in answer) return { result: 'failed', retry: true, status: 0, detail: answer.error };
  const { status } = answer;
  const snippet = answer.body.slice(0, 256);
  if (status >= 200 && status < 300) return { result: 'success', retry: false, status, detail: '' };
  if (status === 429 || status >= 500) return { result: 'failed', retry: true, status, detail: `HTTP ${status} ${snippet}`.trim(), ...retryAfter(answer.retryAfter, now) };
  return { result: 'failed', retry: false, status, detail: `HTTP ${status} ${status >= 300 && status < 400 ? '(redirects are not followed)' : snippet}`.trim() };
}

function retryAfter(header: string | undefined, now: number): { retryAfterMs?: number } {
  if (!header) return {};
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - now;
  // A receiver cannot hold a delivery back for more than an hour.
  return Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: Math.min(seconds, 3_600_000) } : {};
}
