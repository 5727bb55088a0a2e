import type { AddressPolicy, WebhookAnswer, WebhookSender, WebhookTargets } from '@swr/trigger-core';
import { lookup as dnsLookup, LookupAddress, LookupOptions, promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

export interface WebhookSenderSettings {
  /** The whole exchange, connection included. */
  readonly timeoutMs?: number;
  /** Response bytes read at most; the rest is dropped. */
  readonly maxResponseBytes?: number;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * POSTs deliveries with Node's HTTP client. The address policy is applied to the address actually
 * connected to (in the socket's DNS lookup), so a name that resolved to a public address when the
 * trigger was created and to a private one now (DNS rebinding) is refused all the same. Redirects
 * are never followed.
 */
export class HttpWebhookSender implements WebhookSender, WebhookTargets {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(
    private readonly policy: AddressPolicy,
    settings: WebhookSenderSettings = {},
  ) {
    this.timeoutMs = settings.timeoutMs ?? 10_000;
    this.maxResponseBytes = settings.maxResponseBytes ?? 64 * 1024;
  }

  async refusal(url: URL): Promise<string | undefined> {
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(literal)) return this.policy.refusal(literal);
    try {
      const addresses = await dns.lookup(literal, { all: true });
      return addresses.map((a) => this.policy.refusal(a.address)).find(Boolean);
    } catch {
      return `${literal.slice(0, 253)} does not resolve`;
    }
  }

  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookAnswer> {
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    // Node connects to an IP literal without any lookup: judge it here.
    const refused = isIP(literal) ? this.policy.refusal(literal) : undefined;
    if (refused) return Promise.resolve({ error: `refused: ${refused}` });
    return new Promise((resolve) => {
      const client = target.protocol === 'https:' ? https : http;
      const request = client.request(target, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: this.guardedLookup }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < this.maxResponseBytes) chunks.push(chunk.subarray(0, this.maxResponseBytes - size));
          size += chunk.length;
          if (size >= this.maxResponseBytes) response.destroy();
        });
        const done = () => {
          clearTimeout(deadline);
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), ...(typeof retryAfter === 'string' ? { retryAfter } : {}) });
        };
        response.on('end', done);
        response.on('close', done);
      });
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      request.on('error', (error) => {
        clearTimeout(deadline);
        resolve({ error: error.message.slice(0, 300) });
      });
      request.end(body);
    });
  }

  private readonly guardedLookup = (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const refused = addresses.map((a) => this.policy.refusal(a.address)).find(Boolean);
      if (refused) return callback(Object.assign(new Error(`refused: ${hostname} resolves to ${refused}`), { code: 'EREFUSED' }), []);
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
