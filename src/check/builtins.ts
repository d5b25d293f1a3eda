/**
 * The names the language gives meaning to before any declaration: keywords and built-in services
 * (LANGUAGE.md, "Lexical rules" and "Services").
 */

export { KEYWORDS, RESERVED, isReserved } from '../syntax/index.js';

export interface BuiltinService {
  readonly items: readonly { readonly protocol: 'tcp' | 'udp'; readonly port: number }[];
}

export const BUILTIN_SERVICES: ReadonlyMap<string, BuiltinService> = new Map([
  ['ssh', { items: [{ protocol: 'tcp', port: 22 }] }],
  ['http', { items: [{ protocol: 'tcp', port: 80 }] }],
  ['https', { items: [{ protocol: 'tcp', port: 443 }] }],
  ['dns', { items: [{ protocol: 'tcp', port: 53 }, { protocol: 'udp', port: 53 }] }],
  ['ntp', { items: [{ protocol: 'udp', port: 123 }] }],
  ['smtp', { items: [{ protocol: 'tcp', port: 25 }] }],
  ['rdp', { items: [{ protocol: 'tcp', port: 3389 }] }],
  ['mysql', { items: [{ protocol: 'tcp', port: 3306 }] }],
  ['postgres', { items: [{ protocol: 'tcp', port: 5432 }] }],
  ['redis', { items: [{ protocol: 'tcp', port: 6379 }] }],
  ['mongodb', { items: [{ protocol: 'tcp', port: 27017 }] }],
  ['kubernetes-api', { items: [{ protocol: 'tcp', port: 6443 }] }],
]);

/**
 * Admin and data ports whose exposure to every address earns a warning (FW407): remote shells and
 * desktops, container and cluster control planes, and databases and caches that trust their network.
 * The same list is in docs/language.md.
 */
export const SENSITIVE_PORTS: readonly { readonly name: string; readonly protocol: 'tcp' | 'udp'; readonly from: number; readonly to: number }[] = [
  { name: 'ssh', protocol: 'tcp', from: 22, to: 22 },
  { name: 'telnet', protocol: 'tcp', from: 23, to: 23 },
  { name: 'smb', protocol: 'tcp', from: 445, to: 445 },
  { name: 'mssql', protocol: 'tcp', from: 1433, to: 1433 },
  { name: 'docker', protocol: 'tcp', from: 2375, to: 2376 },
  { name: 'etcd', protocol: 'tcp', from: 2379, to: 2380 },
  { name: 'mysql', protocol: 'tcp', from: 3306, to: 3306 },
  { name: 'rdp', protocol: 'tcp', from: 3389, to: 3389 },
  { name: 'postgres', protocol: 'tcp', from: 5432, to: 5432 },
  { name: 'vnc', protocol: 'tcp', from: 5900, to: 5900 },
  { name: 'kubernetes-api', protocol: 'tcp', from: 6443, to: 6443 },
  { name: 'redis', protocol: 'tcp', from: 6379, to: 6379 },
  { name: 'elasticsearch', protocol: 'tcp', from: 9200, to: 9200 },
  { name: 'elasticsearch transport', protocol: 'tcp', from: 9300, to: 9300 },
  { name: 'kubelet', protocol: 'tcp', from: 10250, to: 10250 },
  { name: 'kubelet read-only', protocol: 'tcp', from: 10255, to: 10255 },
  { name: 'memcached', protocol: 'tcp', from: 11211, to: 11211 },
  { name: 'memcached', protocol: 'udp', from: 11211, to: 11211 },
  { name: 'mongodb', protocol: 'tcp', from: 27017, to: 27017 },
];

/** A name fwc accepts: what a DigitalOcean tag may hold, starting with a letter or digit, ≤ 255 characters. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_:-]*$/;
export const MAX_NAME_LENGTH = 255;
