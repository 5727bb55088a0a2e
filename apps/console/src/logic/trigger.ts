import { listOf, notATag } from './tags';

/** SWR's trigger types: every tag, the listed tags, or tags matching a regular expression. */
export type TriggerType = 'all' | 'tag' | 'regular';
export type TriggerAction = 'webhook' | 'update';

export interface TriggerForm {
  readonly name: string;
  readonly action: TriggerAction;
  readonly triggerType: TriggerType;
  readonly condition: string;
  readonly url: string;
  readonly appType: 'deployments' | 'statefulsets';
  readonly application: string;
  readonly clusterNs: string;
  readonly container: string;
  readonly enable: boolean;
}

export const EMPTY_TRIGGER_FORM: TriggerForm = {
  name: '',
  action: 'webhook',
  triggerType: 'all',
  condition: '',
  url: '',
  appType: 'deployments',
  application: '',
  clusterNs: 'default',
  container: '',
  enable: true,
};

export interface TriggerBody {
  name: string;
  action: TriggerAction;
  trigger_type: TriggerType;
  condition: string;
  enable: 'true' | 'false';
  app_type?: string;
  application?: string;
  cluster_ns?: string;
  container?: string;
  webhook?: { url: string; events: Array<'push' | 'delete'>; format: 'default' | 'cloudevents' };
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The condition SWR stores for a trigger type: `.*` for all, the tags joined by `;`, or the expression as typed. */
export function triggerCondition(type: TriggerType, condition: string): string {
  if (type === 'all') return '.*';
  if (type === 'tag') return listOf(condition).join(';');
  return condition;
}

/** Why the trigger cannot be added, or undefined when it can (the server checks again). */
export function triggerProblem(form: TriggerForm): string | undefined {
  if (!NAME.test(form.name)) return 'The trigger name is 1 to 64 letters, digits, periods (.), underscores (_) or hyphens (-), starting with a letter or digit.';
  const condition = triggerCondition(form.triggerType, form.condition);
  if (form.triggerType === 'tag') {
    const tags = listOf(condition);
    if (tags.length === 0) return 'Enter one or more tags, separated by semicolons (;).';
    if (tags.length > 100) return 'At most 100 tags.';
    const bad = notATag(tags);
    if (bad) return bad;
  }
  if (form.triggerType === 'regular') {
    if (condition === '' || condition.length > 256) return 'Enter a regular expression of at most 256 characters.';
    try {
      new RegExp(condition);
    } catch {
      return 'The regular expression is not valid.';
    }
  }
  if (form.action === 'webhook') {
    let url: URL;
    try {
      url = new URL(form.url.trim());
    } catch {
      return 'Enter the webhook URL, e.g. https://ci.example.com/hooks/swr.';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'The webhook URL must start with http:// or https://.';
    if (url.username || url.password) return 'The webhook URL may not carry a user name or password.';
  } else if (!form.application.trim() || !form.clusterNs.trim()) {
    return 'Enter the workload and its namespace.';
  }
  return undefined;
}

export function triggerBody(form: TriggerForm): TriggerBody {
  const base = { name: form.name, action: form.action, trigger_type: form.triggerType, condition: triggerCondition(form.triggerType, form.condition), enable: form.enable ? ('true' as const) : ('false' as const) };
  if (form.action === 'webhook') return { ...base, webhook: { url: form.url.trim(), events: ['push'], format: 'default' } };
  return { ...base, app_type: form.appType, application: form.application.trim(), cluster_ns: form.clusterNs.trim(), ...(form.container.trim() ? { container: form.container.trim() } : {}) };
}

/** The trigger type and condition in words, for the list. */
export function describeCondition(type: string, condition: string): string {
  if (type === 'all') return 'All tags';
  if (type === 'tag') return `Tags: ${condition.split(';').join(', ')}`;
  return `Tags matching ${condition}`;
}
