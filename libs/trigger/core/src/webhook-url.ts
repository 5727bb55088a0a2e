import { TriggerError } from './trigger-error';

/** A webhook URL as stored: http(s), a host, no credentials, a bounded length. Addresses are checked when resolved. */
export function checkedWebhookUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TriggerError('TRIGGER_INVALID', 'webhook.url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TriggerError('TRIGGER_INVALID', 'webhook.url must be http or https');
  if (!url.hostname) throw new TriggerError('TRIGGER_INVALID', 'webhook.url has no host');
  if (url.username || url.password) throw new TriggerError('TRIGGER_INVALID', 'webhook.url may not carry credentials: use headers or the secret');
  return url;
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
const RESERVED = /^(host|content-length|content-type|transfer-encoding|connection|x-swr-.*)$/i;

/** Extra headers a trigger sends: valid names and values, none we set ourselves, bounded in size. */
export function checkedHeaders(headers: Record<string, string> = {}): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > 20) throw new TriggerError('TRIGGER_INVALID', 'at most 20 webhook headers');
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) throw new TriggerError('TRIGGER_INVALID', `invalid header name: ${name.slice(0, 64)}`);
    if (RESERVED.test(name)) throw new TriggerError('TRIGGER_INVALID', `header ${name} is set by the registry`);
    if (value.length > 1024 || ['\r', '\n', '\u0000'].some((c) => value.includes(c))) throw new TriggerError('TRIGGER_INVALID', `invalid value for header ${name}`);
  }
  return Object.fromEntries(entries);
}
