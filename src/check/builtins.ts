/**
 * The names the language gives meaning to before any declaration: keywords and built-in services
 * (LANGUAGE.md, "Lexical rules" and "Services").
 */

export { KEYWORDS, RESERVED, isReserved } from '../syntax/keywords.js';

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

/** The admin and database services whose exposure to `anyone` earns a warning (FW407). */
export const SENSITIVE_SERVICES: readonly string[] = ['ssh', 'rdp', 'mysql', 'postgres', 'redis', 'mongodb', 'kubernetes-api'];

/** A name fwc accepts: what a DigitalOcean tag may hold, starting with a letter or digit, ≤ 255 characters. */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_:-]*$/;
export const MAX_NAME_LENGTH = 255;
