/**
 * IP addresses and CIDR blocks: strict parsing, one canonical spelling, containment.
 *
 * NOTE: DigitalOcean returns addresses as they were sent (`1.2.3.4` without `/32`) and may or may not
 * rewrite IPv6 spellings (DO-API-FACTS.md 2.3), so fwc compares addresses only in this canonical form:
 * a single host is written without a prefix length, IPv6 in RFC 5952's compressed lower-case form.
 */
import ipaddr from 'ipaddr.js';

export interface Cidr {
  readonly family: 4 | 6;
  /** The network address as an integer (host bits zero). */
  readonly network: bigint;
  readonly prefix: number;
  /** Canonical text: `10.0.0.0/8`, `198.51.100.7`, `2001:db8::/32`, `::/0`. */
  readonly text: string;
}

export type ParsedAddress =
  | { readonly ok: true; readonly cidr: Cidr }
  | { readonly ok: false; readonly reason: 'invalid' | 'prefix' | 'host-bits'; readonly message: string; readonly masked?: string };

const bitsOf = (family: 4 | 6): number => (family === 4 ? 32 : 128);

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function fromBigInt(n: bigint, family: 4 | 6): ipaddr.IPv4 | ipaddr.IPv6 {
  const count = family === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = count - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes);
}

function textOf(network: bigint, prefix: number, family: 4 | 6): string {
  // IPv4 is spelled by hand: ipaddr.js's IPv4 parser costs milliseconds when cold, at every fwc start.
  const host =
    family === 4
      ? [24n, 16n, 8n, 0n].map((shift) => String((network >> shift) & 0xffn)).join('.')
      : fromBigInt(network, family).toString();
  return prefix === bitsOf(family) ? host : `${host}/${prefix}`;
}

// Masks are asked for millions of times when analysing large policies: compute each once.
const MASKS: Record<4 | 6, bigint[]> = { 4: [], 6: [] };
for (const family of [4, 6] as const) {
  const bits = BigInt(bitsOf(family));
  for (let prefix = 0; prefix <= bitsOf(family); prefix++) {
    MASKS[family].push(((1n << bits) - 1n) ^ ((1n << (bits - BigInt(prefix))) - 1n));
  }
}

function maskOf(prefix: number, family: 4 | 6): bigint {
  return MASKS[family][prefix]!;
}

/**
 * Parses `10.0.0.0/8`, `198.51.100.7`, `2001:db8::/32`. Strict: four decimal octets without leading
 * zeros for IPv4, and no host bits set under the prefix (`10.0.0.5/8` is an error, not silently masked).
 */
export function parseAddress(text: string): ParsedAddress {
  const slash = text.indexOf('/');
  const addrText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? null : text.slice(slash + 1);
  let value: bigint;
  let family: 4 | 6;
  if (addrText.includes(':')) {
    if (!ipaddr.IPv6.isValid(addrText) || addrText.includes('%')) {
      return { ok: false, reason: 'invalid', message: `\`${addrText}\` is not a valid IPv6 address` };
    }
    family = 6;
    value = toBigInt(ipaddr.IPv6.parse(addrText).toByteArray());
  } else {
    const octets = addrText.split('.');
    const good = octets.length === 4 && octets.every((o) => /^(0|[1-9][0-9]{0,2})$/.test(o) && Number(o) <= 255);
    if (!good) return { ok: false, reason: 'invalid', message: `\`${addrText}\` is not a valid IPv4 address` };
    family = 4;
    value = octets.reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
  }
  let prefix = bitsOf(family);
  if (prefixText !== null) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bitsOf(family)) {
      return { ok: false, reason: 'prefix', message: `\`/${prefixText}\` is not a prefix length for IPv${family} (0 to ${bitsOf(family)})` };
    }
    prefix = Number(prefixText);
  }
  const network = value & maskOf(prefix, family);
  if (network !== value) {
    return {
      ok: false,
      reason: 'host-bits',
      message: `\`${text}\` has host bits set below its /${prefix} prefix`,
      masked: textOf(network, prefix, family),
    };
  }
  return { ok: true, cidr: { family, network, prefix, text: textOf(network, prefix, family) } };
}

/** The canonical spelling of an address the API returned, or null when it is not an address at all. */
export function canonicalAddress(text: string): string | null {
  const parsed = parseAddress(text.trim());
  if (parsed.ok) return parsed.cidr.text;
  // The API might hold a CIDR with host bits set that it accepted; compare it by its network.
  return parsed.reason === 'host-bits' && parsed.masked ? parsed.masked : null;
}

/** The network of the block of length `prefix` that holds `cidr` (`prefix` ≤ cidr.prefix). */
export function networkOf(cidr: Cidr, prefix: number): bigint {
  return cidr.network & maskOf(prefix, cidr.family);
}

/** Whether `outer` contains every address of `inner` (same family). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return (inner.network & maskOf(outer.prefix, outer.family)) === outer.network;
}

/** The first and last address of a block, as single-host CIDRs. */
export function cidrBounds(cidr: Cidr): { first: Cidr; last: Cidr } {
  const size = 1n << BigInt(bitsOf(cidr.family) - cidr.prefix);
  return { first: hostCidr(cidr.network, cidr.family), last: hostCidr(cidr.network + size - 1n, cidr.family) };
}

/** A single-host CIDR for an integer address. */
export function hostCidr(value: bigint, family: 4 | 6): Cidr {
  const prefix = bitsOf(family);
  return { family, network: value, prefix, text: textOf(value, prefix, family) };
}

/** Whether an address (single host) lies inside a block. */
export function containsAddress(block: Cidr, address: Cidr): boolean {
  return cidrContains(block, address);
}

export const ANY_IPV4: Cidr = { family: 4, network: 0n, prefix: 0, text: '0.0.0.0/0' };
export const ANY_IPV6: Cidr = { family: 6, network: 0n, prefix: 0, text: '::/0' };

/** Orders addresses canonically: IPv4 before IPv6, then by network, then wider blocks first. */
export function compareCidr(a: Cidr, b: Cidr): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}
