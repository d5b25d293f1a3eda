/**
 * Sets of traffic kinds: for tcp and udp a set of port intervals, for icmp yes or no. Reachability is
 * computed in these sets, exactly, so "who may reach whom on what" never samples ports.
 */
import type { Protocol } from '../model/index.js';

export interface Interval {
  readonly from: number;
  readonly to: number;
}

export interface ServiceSet {
  readonly tcp: readonly Interval[];
  readonly udp: readonly Interval[];
  readonly icmp: boolean;
}

export const EMPTY: ServiceSet = { tcp: [], udp: [], icmp: false };
const ALL: readonly Interval[] = [{ from: 1, to: 65535 }];
export const FULL: ServiceSet = { tcp: ALL, udp: ALL, icmp: true };

function normalize(intervals: Interval[]): Interval[] {
  intervals.sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const iv of intervals) {
    const last = out[out.length - 1];
    if (last && iv.from <= last.to + 1) last.to = Math.max(last.to, iv.to);
    else out.push({ from: iv.from, to: iv.to });
  }
  return out;
}

function unionIv(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  if (b.length === 0) return [...a];
  if (a.length === 0) return [...b];
  return normalize([...a, ...b]);
}

function intersectIv(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const from = Math.max(x.from, y.from);
    const to = Math.min(x.to, y.to);
    if (from <= to) out.push({ from, to });
    if (x.to < y.to) i++;
    else j++;
  }
  return out;
}

function subtractIv(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  if (b.length === 0 || a.length === 0) return [...a];
  const out: Interval[] = [];
  for (const x of a) {
    let from = x.from;
    for (const y of b) {
      if (y.to < from || y.from > x.to) continue;
      if (y.from > from) out.push({ from, to: y.from - 1 });
      from = Math.max(from, y.to + 1);
      if (from > x.to) break;
    }
    if (from <= x.to) out.push({ from, to: x.to });
  }
  return out;
}

export function union(a: ServiceSet, b: ServiceSet): ServiceSet {
  return { tcp: unionIv(a.tcp, b.tcp), udp: unionIv(a.udp, b.udp), icmp: a.icmp || b.icmp };
}

export function intersect(a: ServiceSet, b: ServiceSet): ServiceSet {
  return { tcp: intersectIv(a.tcp, b.tcp), udp: intersectIv(a.udp, b.udp), icmp: a.icmp && b.icmp };
}

export function subtract(a: ServiceSet, b: ServiceSet): ServiceSet {
  return { tcp: subtractIv(a.tcp, b.tcp), udp: subtractIv(a.udp, b.udp), icmp: a.icmp && !b.icmp };
}

export function isEmpty(s: ServiceSet): boolean {
  return s.tcp.length === 0 && s.udp.length === 0 && !s.icmp;
}

export function equals(a: ServiceSet, b: ServiceSet): boolean {
  return isEmpty(subtract(a, b)) && isEmpty(subtract(b, a));
}

/** Whether every traffic kind of `b` is in `a`. */
export function covers(a: ServiceSet, b: ServiceSet): boolean {
  return isEmpty(subtract(b, a));
}

/** A set of one protocol and interval (icmp ignores the interval). */
export function single(protocol: Protocol, from = 1, to = 65535): ServiceSet {
  if (protocol === 'icmp') return { tcp: [], udp: [], icmp: true };
  return protocol === 'tcp' ? { tcp: [{ from, to }], udp: [], icmp: false } : { tcp: [], udp: [{ from, to }], icmp: false };
}

/** Builds a set from many (protocol, interval) parts at once. */
export function fromParts(parts: Iterable<{ protocol: Protocol; from: number; to: number }>): ServiceSet {
  const tcp: Interval[] = [];
  const udp: Interval[] = [];
  let icmp = false;
  for (const p of parts) {
    if (p.protocol === 'icmp') icmp = true;
    else (p.protocol === 'tcp' ? tcp : udp).push({ from: p.from, to: p.to });
  }
  return { tcp: normalize(tcp), udp: normalize(udp), icmp };
}

export function contains(s: ServiceSet, protocol: Protocol, port: number): boolean {
  if (protocol === 'icmp') return s.icmp;
  return (protocol === 'tcp' ? s.tcp : s.udp).some((iv) => iv.from <= port && port <= iv.to);
}

function intervalText(iv: Interval): string {
  if (iv.from === 1 && iv.to === 65535) return 'all';
  return iv.from === iv.to ? String(iv.from) : `${iv.from}-${iv.to}`;
}

/** `tcp 80, 443; udp 53; icmp` — or `all traffic`, or `nothing`. */
export function describe(s: ServiceSet): string {
  if (equals(s, FULL)) return 'all traffic';
  const parts: string[] = [];
  if (s.tcp.length > 0) parts.push(`tcp ${s.tcp.map(intervalText).join(', ')}`);
  if (s.udp.length > 0) parts.push(`udp ${s.udp.map(intervalText).join(', ')}`);
  if (s.icmp) parts.push('icmp');
  return parts.length > 0 ? parts.join('; ') : 'nothing';
}

/** One concrete flow of a set, for messages (the lowest port of the first protocol present). */
export function sample(s: ServiceSet): { protocol: Protocol; port: number | null } | null {
  if (s.tcp.length > 0) return { protocol: 'tcp', port: s.tcp[0]!.from };
  if (s.udp.length > 0) return { protocol: 'udp', port: s.udp[0]!.from };
  if (s.icmp) return { protocol: 'icmp', port: null };
  return null;
}
