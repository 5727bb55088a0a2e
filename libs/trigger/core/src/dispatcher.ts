import type { EventEnvelope } from '@swr/contracts';
import { conditionMatches } from './condition';
import { Delivery, deliveryId } from './delivery';
import type { DeliveryQueue, TriggerRecord, TriggerStore } from './ports';

interface ImageChange {
  readonly event: EventEnvelope;
  readonly kind: 'push' | 'delete';
  readonly organization: string;
  readonly repository: string;
  readonly tag: string;
}

/** The image events triggers fire on: a pushed tag, a deleted tag, a deleted manifest (no tag). */
function imageChange(event: EventEnvelope): ImageChange | undefined {
  const data = event.data as { organization?: string; repository?: string; tag?: string };
  if (!data.repository || !data.organization) return undefined;
  const at = { event, organization: data.organization, repository: data.repository, tag: data.tag ?? '' };
  if (event.type === 'image.pushed' && data.tag) return { ...at, kind: 'push' };
  if (event.type === 'tag.deleted' || event.type === 'manifest.deleted') return { ...at, kind: 'delete' };
  return undefined;
}

/**
 * Turns image events into webhook deliveries: each enabled webhook trigger of the repository whose
 * events and condition match gets one delivery, enqueued under an id derived from the event and
 * the trigger, so that an event handled twice still delivers once. A deleted repository's
 * triggers go with it.
 */
export class TriggerDispatcher {
  constructor(
    private readonly store: TriggerStore,
    private readonly queue: DeliveryQueue,
    /** `host[:port]` clients pull from, for the deliveries' pull address. */
    private readonly registryHost: string,
  ) {}

  async handle(events: readonly EventEnvelope[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'repository.deleted') await this.store.removeRepository(String(event.data.repository));
    }
    const changes = events.map(imageChange).filter((c): c is ImageChange => c !== undefined);
    if (!changes.length) return;
    const triggers = await this.store.enabledFor([...new Set(changes.map((c) => c.repository))]);
    const deliveries = changes.flatMap((change) => triggers.filter((trigger) => this.fires(trigger, change)).map((trigger) => ({ trigger, delivery: this.deliveryOf(trigger, change) })));
    const jobs = deliveries.map(({ trigger, delivery }) => ({ triggerId: trigger.id, delivery }));
    // Written first: a queue that loses the jobs (a crash) loses no delivery, the next start resumes them.
    await this.store.saveDeliveries(jobs);
    // Enqueued together: a batch's deliveries should not wait on each other's round trips.
    await Promise.all(jobs.map((job) => this.queue.add(job.delivery.id, job)));
  }

  private fires(trigger: TriggerRecord, change: ImageChange): boolean {
    if (trigger.repository !== change.repository || trigger.action !== 'webhook' || !trigger.webhook?.events.includes(change.kind)) return false;
    // A manifest deleted by digest has no tag: only a trigger on every tag hears of it.
    if (!change.tag) return trigger.triggerType === 'all';
    return conditionMatches(trigger.triggerType, trigger.condition, change.tag);
  }

  private deliveryOf(trigger: TriggerRecord, change: ImageChange): Delivery {
    const { event } = change;
    const data = event.data as { digest?: string; mediaType?: string; size?: number };
    return {
      id: deliveryId(event.id, trigger.id),
      eventId: event.id,
      event: change.kind,
      time: event.time,
      organization: change.organization,
      repository: change.repository,
      tag: change.tag,
      digest: data.digest ?? '',
      mediaType: data.mediaType ?? '',
      size: data.size ?? 0,
      pusher: { id: event.actor.userId ?? '', name: event.actor.userName ?? '', account: event.actor.accountName ?? event.actor.accountId ?? '' },
      pullAddress: `${this.registryHost}/${change.repository}${change.tag ? `:${change.tag}` : data.digest ? `@${data.digest}` : ''}`,
      trigger: {
        name: trigger.name,
        action: trigger.action,
        triggerMode: trigger.triggerMode,
        appType: trigger.appType,
        application: trigger.application,
        clusterId: trigger.clusterId,
        clusterName: trigger.clusterName,
        clusterNs: trigger.clusterNs,
        container: trigger.container,
      },
    };
  }
}
