import { NewTrigger, triggerName, TriggerView } from '@swr/contracts';
import { checkedCondition } from './condition';
import type { TriggerRecord, TriggerStore, WebhookTargets } from './ports';
import { TriggerError } from './trigger-error';
import { checkedHeaders, checkedWebhookUrl } from './webhook-url';

const HISTORY_SHOWN = 50;

/** A repository's triggers: created checked, listed with their recent deliveries. */
export class Triggers {
  constructor(
    private readonly store: TriggerStore,
    private readonly targets: WebhookTargets,
  ) {}

  /** Checked before anything is stored; the webhook's host is resolved now, and again at each delivery. */
  async create(trigger: NewTrigger): Promise<TriggerView> {
    const checked = checkedTrigger(trigger);
    if (checked.webhook) {
      const refused = await this.targets.refusal(new URL(checked.webhook.url));
      if (refused) throw new TriggerError('TRIGGER_INVALID', `webhook.url may not be reached: ${refused}`);
    }
    if (!(await this.store.create(checked))) throw new TriggerError('TRIGGER_CONFLICT', `trigger ${trigger.name} exists`);
    return this.get(trigger.repository, trigger.name);
  }

  async list(repository: string): Promise<TriggerView[]> {
    return this.viewsOf(await this.store.list(repository));
  }

  async get(repository: string, name: string): Promise<TriggerView> {
    const [view] = await this.viewsOf([await this.found(repository, name)]);
    return view;
  }

  async setEnabled(repository: string, name: string, enabled: boolean): Promise<TriggerView> {
    if (!(await this.store.setEnabled(repository, name, enabled))) throw notFound(name);
    return this.get(repository, name);
  }

  async remove(repository: string, name: string): Promise<void> {
    if (!(await this.store.remove(repository, name))) throw notFound(name);
  }

  async found(repository: string, name: string): Promise<TriggerRecord> {
    const trigger = await this.store.find(repository, name);
    if (!trigger) throw notFound(name);
    return trigger;
  }

  private async viewsOf(triggers: TriggerRecord[]): Promise<TriggerView[]> {
    const histories = await this.store.histories(
      triggers.map((t) => t.id),
      HISTORY_SHOWN,
    );
    return triggers.map(({ id, webhook, createdAt, ...fields }) => {
      return {
        ...fields,
        ...(webhook ? { webhook: { url: webhook.url, headers: webhook.headers, events: webhook.events, format: webhook.format, hasSecret: !!webhook.secret } } : {}),
        createdAt: createdAt.toISOString(),
        history: histories.get(id) ?? [],
      };
    });
  }
}

const notFound = (name: string) => new TriggerError('TRIGGER_NOT_FOUND', `trigger ${name.slice(0, 64)} not found`);

/** The trigger as it may be stored: a valid name and condition, and what its action needs. */
function checkedTrigger(trigger: NewTrigger): NewTrigger {
  if (!triggerName.safeParse(trigger.name).success) throw new TriggerError('TRIGGER_INVALID', 'a trigger name is 1 to 64 letters, digits, . _ or -, starting with a letter or digit');
  const condition = checkedCondition(trigger.triggerType, trigger.condition);
  if (trigger.action === 'webhook') {
    if (!trigger.webhook) throw new TriggerError('TRIGGER_INVALID', 'action webhook needs the webhook settings');
    checkedWebhookUrl(trigger.webhook.url);
    checkedHeaders(trigger.webhook.headers);
    return { ...trigger, condition, webhook: { ...trigger.webhook, events: [...new Set(trigger.webhook.events)] } };
  }
  if (trigger.webhook) throw new TriggerError('TRIGGER_INVALID', 'webhook settings belong to action webhook');
  const missing = (['appType', 'application', 'clusterNs'] as const).filter((field) => !trigger[field]);
  if (missing.length) throw new TriggerError('TRIGGER_INVALID', `action update needs ${missing.map(snake).join(', ')}`);
  return { ...trigger, condition };
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
