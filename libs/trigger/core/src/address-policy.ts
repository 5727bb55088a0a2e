import { BlockList, isIP } from 'node:net';

/** Ranges a webhook may not reach unless allowed: loopback, private, link-local (cloud metadata), shared and reserved. */
const FORBIDDEN: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

/**
 * Which addresses webhooks may reach. Everything public is; private, loopback and metadata ranges
 * only when allowed by configuration (`SWR_WEBHOOK_ALLOW_PRIVATE`, or CIDRs in the allow-list).
 */
export class AddressPolicy {
  private readonly forbidden = new BlockList();
  private readonly allowed = new BlockList();

  constructor(settings: { allowPrivate: boolean; allowList: readonly string[] }) {
    if (!settings.allowPrivate) for (const [net, prefix, family] of FORBIDDEN) this.forbidden.addSubnet(net, prefix, family);
    for (const cidr of settings.allowList) {
      const [net, prefix] = cidr.split('/');
      const family = isIP(net) === 6 ? 'ipv6' : 'ipv4';
      this.allowed.addSubnet(net, Number(prefix ?? (family === 'ipv6' ? 128 : 32)), family);
    }
  }

  /** Why an address may not be reached, or undefined when it may. IPv4 mapped into IPv6 is judged as IPv4. */
  refusal(address: string): string | undefined {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    const ip = mapped ?? address;
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (!isIP(ip)) return `not an IP address: ${address.slice(0, 64)}`;
    if (this.allowed.check(ip, family)) return undefined;
    return this.forbidden.check(ip, family) ? `${ip} is a private, loopback or reserved address` : undefined;
  }

  /** Validates a CIDR list from configuration. */
  static parseAllowList(value: string): string[] {
    const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
    for (const entry of entries) {
      const [net, prefix] = entry.split('/');
      const family = isIP(net);
      const max = family === 6 ? 128 : 32;
      if (!family || (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= max))) throw new Error(`not an address or CIDR: ${entry}`);
    }
    return entries;
  }
}
