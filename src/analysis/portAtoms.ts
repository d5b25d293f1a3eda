/**
 * Port atoms: the rules of a set of firewalls cut tcp and udp ports into intervals that every rule
 * treats alike (an atom lies wholly inside or wholly outside each rule's ports). A set of traffic kinds
 * over those rules is then a bitset — one bit per tcp atom, per udp atom, and one for icmp — and union,
 * intersection and difference are a few word-wise operations, with no allocation when a buffer is given.
 * ServiceSet (serviceSet.ts) stays the exact, atom-free form that results are reported in.
 */
import type { Protocol, Rule } from '../model/index.js';
import type { Interval, ServiceSet } from './serviceSet.js';

export type Bits = Uint32Array;

export class PortAtoms {
  /** Atom i of a protocol covers [starts[i], starts[i+1] - 1]; the last ends at 65535. */
  private readonly tcpStarts: number[];
  private readonly udpStarts: number[];
  readonly words: number;
  private readonly icmpBit: number;
  /** Every kind of traffic: what a side with no firewall allows. */
  readonly full: Bits;
  readonly empty: Bits;

  constructor(rules: Iterable<Pick<Rule, 'protocol' | 'ports'>>) {
    const cuts: Record<'tcp' | 'udp', Set<number>> = { tcp: new Set([1]), udp: new Set([1]) };
    for (const r of rules) {
      if (r.protocol === 'icmp' || r.ports.kind === 'all') continue;
      cuts[r.protocol].add(r.ports.from);
      if (r.ports.to < 65535) cuts[r.protocol].add(r.ports.to + 1);
    }
    this.tcpStarts = [...cuts.tcp].sort((a, b) => a - b);
    this.udpStarts = [...cuts.udp].sort((a, b) => a - b);
    this.icmpBit = this.tcpStarts.length + this.udpStarts.length;
    this.words = (this.icmpBit >> 5) + 1;
    this.empty = new Uint32Array(this.words);
    this.full = new Uint32Array(this.words);
    this.setRange(this.full, 0, this.icmpBit);
  }

  private setRange(bits: Bits, first: number, last: number): void {
    for (let b = first; b <= last; b++) bits[b >> 5]! |= 1 << (b & 31);
  }

  /** The index of the atom that starts at `port` (ports are always atom boundaries of the rules seen). */
  private atomAt(starts: readonly number[], port: number): number {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= port) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Sets the bits of one rule's protocol and ports in `bits`. */
  add(bits: Bits, protocol: Protocol, ports: Rule['ports']): void {
    if (protocol === 'icmp') {
      bits[this.icmpBit >> 5]! |= 1 << (this.icmpBit & 31);
      return;
    }
    const starts = protocol === 'tcp' ? this.tcpStarts : this.udpStarts;
    const offset = protocol === 'tcp' ? 0 : this.tcpStarts.length;
    const from = ports.kind === 'all' ? 0 : this.atomAt(starts, ports.from);
    const to = ports.kind === 'all' || ports.to >= 65535 ? starts.length - 1 : this.atomAt(starts, ports.to + 1) - 1;
    this.setRange(bits, offset + from, offset + to);
  }

  /** The exact set of traffic kinds a bitset stands for. */
  toServiceSet(bits: Bits): ServiceSet {
    const udpStart = this.tcpStarts.length;
    return {
      tcp: this.runs(bits, 0, udpStart, this.tcpStarts),
      udp: this.runs(bits, udpStart, this.icmpBit, this.udpStarts),
      icmp: bit(bits, this.icmpBit),
    };
  }

  /** The intervals of the runs of set bits in [first, end), atoms of `starts` (whole words skipped). */
  private runs(bits: Bits, first: number, end: number, starts: readonly number[]): Interval[] {
    const out: Interval[] = [];
    let b = first;
    while (b < end) {
      b = nextBit(bits, b, end, true);
      if (b >= end) break;
      const stop = nextBit(bits, b, end, false);
      const last = stop - first;
      out.push({ from: starts[b - first]!, to: last < starts.length ? starts[last]! - 1 : 65535 });
      b = stop;
    }
    return out;
  }
}

const bit = (bits: Bits, b: number): boolean => (bits[b >> 5]! & (1 << (b & 31))) !== 0;

/** The first bit at or after `b` (before `end`) that is set (`set`) or clear; `end` when none. */
function nextBit(bits: Bits, b: number, end: number, set: boolean): number {
  while (b < end) {
    const word = set ? bits[b >> 5]! : ~bits[b >> 5]!;
    const rest = word & (~0 << (b & 31));
    if (rest !== 0) {
      const found = (b & ~31) + (31 - Math.clz32(rest & -rest));
      return found < end ? found : end;
    }
    b = (b & ~31) + 32;
  }
  return end;
}

export function isZero(bits: Bits): boolean {
  for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) return false;
  return true;
}

/** `into |= other`. */
export function orInto(into: Bits, other: Bits): void {
  for (let i = 0; i < into.length; i++) into[i]! |= other[i]!;
}

/** `into &= other`. */
export function andInto(into: Bits, other: Bits): void {
  for (let i = 0; i < into.length; i++) into[i]! &= other[i]!;
}

/** `into &= ~other`. */
export function andNotInto(into: Bits, other: Bits): void {
  for (let i = 0; i < into.length; i++) into[i]! &= ~other[i]!;
}

export function sameBits(a: Bits, b: Bits): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether `a & ~b` is empty (a within b), with no bitset made. */
export function within(a: Bits, b: Bits): boolean {
  for (let i = 0; i < a.length; i++) if ((a[i]! & ~b[i]!) !== 0) return false;
  return true;
}

/** `a & ~b`, as a new bitset. */
export function difference(a: Bits, b: Bits): Bits {
  const out = a.slice();
  andNotInto(out, b);
  return out;
}
