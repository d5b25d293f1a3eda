/**
 * The canonical form of rules: keys, order, merging, and DigitalOcean's grouping. Used on desired and
 * live firewalls alike, so that two firewalls that allow the same traffic have the same rules.
 */
import { ANY_IPV4, ANY_IPV6, cidrContains, compareCidr, networkOf } from './addresses.js';
import type { Action, Direction, GroupedRule, Origin, Peer, Ports, Protocol, Rule } from './firewall.js';
import { MAX_ENTRIES_PER_RULE } from './limits.js';

export const ALL_PORTS: Ports = { kind: 'all' };

/** Ports for an interval; `1-65535` is `all`, so there is one spelling of "every port". */
export function portRange(from: number, to: number): Ports {
  return from <= 1 && to >= 65535 ? ALL_PORTS : { kind: 'range', from, to };
}

export function portsFrom(ports: Ports): number {
  return ports.kind === 'all' ? 1 : ports.from;
}

export function portsTo(ports: Ports): number {
  return ports.kind === 'all' ? 65535 : ports.to;
}

/** `all`, `5432` or `8000-9000`. */
/** Whether `ports` hold `port`. */
export function portsHold(ports: Ports, port: number): boolean {
  return ports.kind === 'all' || (ports.from <= port && port <= ports.to);
}

export function portsText(ports: Ports): string {
  if (ports.kind === 'all') return 'all';
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

// Keys are asked for once per rule, and rules share their peer objects: remember each peer's key.
const peerKeys = new WeakMap<Peer, string>();

/** A peer's identity. Tags compare case-insensitively, as DigitalOcean treats them. */
export function peerKey(peer: Peer): string {
  let key = peerKeys.get(peer);
  if (key === undefined) peerKeys.set(peer, (key = computePeerKey(peer)));
  return key;
}

function computePeerKey(peer: Peer): string {
  switch (peer.kind) {
    case 'tag':
      return `tag:${peer.name.toLowerCase()}`;
    case 'address':
      return `addr:${peer.cidr.text}`;
    case 'droplet':
      return `droplet:${peer.id}`;
    case 'load-balancer':
      return `lb:${peer.id}`;
    case 'kubernetes':
      return `k8s:${peer.id}`;
    case 'unresolved':
      return `${peer.resource}:"${peer.name}"`;
  }
}

/**
 * Whether `outer` holds every endpoint of `inner` as the canonical form sees it: an address block holds
 * its sub-blocks; any other peer only itself.
 */
export function peerHolds(outer: Peer, inner: Peer): boolean {
  if (outer.kind === 'address' && inner.kind === 'address') return cidrContains(outer.cidr, inner.cidr);
  return peerKey(outer) === peerKey(inner);
}

/** Whether a rule allows (or denies) all that `inner` does: same direction, protocol, action; wider ports and peer. */
export function ruleHolds(outer: Omit<Rule, 'origins'>, inner: Omit<Rule, 'origins'>, holds: (outer: Peer, inner: Peer) => boolean = peerHolds): boolean {
  return (
    outer.direction === inner.direction &&
    outer.protocol === inner.protocol &&
    outer.action === inner.action &&
    portsFrom(outer.ports) <= portsFrom(inner.ports) &&
    portsTo(inner.ports) <= portsTo(outer.ports) &&
    holds(outer.peer, inner.peer)
  );
}

/** How a peer reads in plans and messages: `tag:web`, `10.0.0.0/8`, `droplet:123`, `load-balancer "x"`. */
export function peerText(peer: Peer): string {
  switch (peer.kind) {
    case 'tag':
      return `tag:${peer.name}`;
    case 'address':
      return peer.cidr.text;
    case 'droplet':
      return `droplet:${peer.id}`;
    case 'load-balancer':
      return `load-balancer:${peer.id}`;
    case 'kubernetes':
      return `cluster:${peer.id}`;
    case 'unresolved':
      return `${peer.resource} "${peer.name}"`;
  }
}

/** A rule as people read it: `inbound tcp 5432 from tag:web`, `outbound deny tcp 25 to 0.0.0.0/0`. */
export function ruleText(rule: Omit<Rule, 'origins'>): string {
  const ports = rule.protocol === 'icmp' ? '' : ` ${portsText(rule.ports)}`;
  const action = rule.action === 'deny' ? ' deny' : '';
  return `${rule.direction}${action} ${rule.protocol}${ports} ${rule.direction === 'inbound' ? 'from' : 'to'} ${peerText(rule.peer)}`;
}

/** The canonical key of an atomic rule: `in tcp 5432 tag:web allow`. */
export function ruleKey(rule: Omit<Rule, 'origins'>): string {
  const dir = rule.direction === 'inbound' ? 'in' : 'out';
  const ports = rule.protocol === 'icmp' ? 'all' : portsText(rule.ports);
  return `${dir} ${rule.protocol} ${ports} ${peerKey(rule.peer)} ${rule.action}`;
}

const PROTOCOL_ORDER: Record<Protocol, number> = { tcp: 0, udp: 1, icmp: 2 };
const PEER_ORDER: Record<Peer['kind'], number> = {
  tag: 0,
  address: 1,
  droplet: 2,
  'load-balancer': 3,
  kubernetes: 4,
  unresolved: 5,
};

/** Canonical peer order: tags, addresses (IPv4 first, by network), droplets, load balancers, clusters. */
export function comparePeers(a: Peer, b: Peer): number {
  if (a.kind !== b.kind) return PEER_ORDER[a.kind] - PEER_ORDER[b.kind];
  if (a.kind === 'address' && b.kind === 'address') return compareCidr(a.cidr, b.cidr);
  if (a.kind === 'droplet' && b.kind === 'droplet') return a.id - b.id;
  const ka = peerKey(a);
  const kb = peerKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function compareShape(
  a: { direction: Direction; protocol: Protocol; ports: Ports; action: Action },
  b: { direction: Direction; protocol: Protocol; ports: Ports; action: Action },
): number {
  if (a.direction !== b.direction) return a.direction === 'inbound' ? -1 : 1;
  if (a.protocol !== b.protocol) return PROTOCOL_ORDER[a.protocol] - PROTOCOL_ORDER[b.protocol];
  const byFrom = portsFrom(a.ports) - portsFrom(b.ports);
  if (byFrom !== 0) return byFrom;
  const byTo = portsTo(a.ports) - portsTo(b.ports);
  if (byTo !== 0) return byTo;
  if (a.action !== b.action) return a.action === 'deny' ? -1 : 1;
  return 0;
}

/** Canonical rule order: direction, protocol, first port, last port, deny before allow, then peer. */
export function compareRules(a: Rule, b: Rule): number {
  return compareShape(a, b) || comparePeers(a.peer, b.peer);
}

function mergeOrigins(lists: readonly (readonly Origin[])[]): readonly Origin[] {
  // Most rules come from one statement: its origin list is kept as it is (rules share it, never change it).
  if (lists.length === 1 && lists[0]!.length <= 1) return lists[0]!;
  const seen = new Map<string, Origin>();
  for (const list of lists) for (const o of list) seen.set(`${o.file}\0${o.span.start}`, o);
  return [...seen.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start));
}

interface Interval {
  from: number;
  to: number;
  /** The origin lists of the rules merged into it (the lists themselves are shared, never changed). */
  origins: (readonly Origin[])[];
}

function mergeIntervals(intervals: Interval[]): Interval[] {
  intervals.sort((a, b) => a.from - b.from || a.to - b.to);
  const out: Interval[] = [];
  for (const iv of intervals) {
    const last = out[out.length - 1];
    if (last && iv.from <= last.to + 1) {
      last.to = Math.max(last.to, iv.to);
      last.origins.push(...iv.origins);
    } else {
      out.push({ from: iv.from, to: iv.to, origins: [...iv.origins] });
    }
  }
  return out;
}

function covered(from: number, to: number, cover: Interval[]): boolean {
  // `cover` is merged and sorted: [from, to] is covered when one merged interval holds it.
  for (const c of cover) if (c.from <= from && to <= c.to) return true;
  return false;
}

/**
 * The canonical form of a set of rules, which allows exactly the same traffic:
 * - for each direction, protocol, action and peer, port intervals that touch or overlap are merged;
 * - an address's interval that a containing address (same direction, protocol and action) already
 *   allows in full is dropped (`10.1.0.0/16` beside `10.0.0.0/8` on the same ports);
 * - rules are sorted canonically.
 * Origins of merged rules are kept, so every rule still says which statements produced it.
 */
export function canonicalRules(rules: readonly Rule[], share: Sharing = NO_SHARING): Rule[] {
  const cells = cellsOf(rules);
  for (const cell of cells) cell.intervals = mergeIntervals(cell.intervals);
  dropCoveredAddresses(cells);
  const out: Rule[] = [];
  for (const cell of cells) {
    for (const iv of cell.intervals) {
      out.push({
        direction: cell.direction,
        protocol: cell.protocol,
        ports: cell.protocol === 'icmp' ? ALL_PORTS : share.ports(iv.from, iv.to),
        peer: cell.peer,
        action: cell.action,
        origins: share.origins(mergeOrigins(iv.origins)),
      });
    }
  }
  return out.sort(compareRules);
}

/**
 * How canonical rules get their ports and origin lists: new ones by default; the compiler passes one that
 * hands out the same object for the same interval, and for the same single origin, since its rules live
 * as long as the policy (a 50,000-statement policy compiles to 600,000 rules).
 */
export interface Sharing {
  ports(from: number, to: number): Ports;
  origins(list: readonly Origin[]): readonly Origin[];
}

const NO_SHARING: Sharing = { ports: portRange, origins: (list) => list };

/** A Sharing that remembers: one ports object per interval, one list per single origin. */
export function sharing(): Sharing {
  const ports = new Map<number, Ports>();
  const origins = new Map<Origin, readonly Origin[]>();
  return {
    ports(from, to) {
      const key = from * 65536 + to;
      let p = ports.get(key);
      if (!p) ports.set(key, (p = portRange(from, to)));
      return p;
    },
    origins(list) {
      if (list.length !== 1) return list;
      let known = origins.get(list[0]!);
      if (!known) origins.set(list[0]!, (known = list));
      return known;
    },
  };
}

/** The port intervals of one direction, protocol, action and peer. */
interface Cell {
  readonly direction: Direction;
  readonly protocol: Protocol;
  readonly action: Action;
  readonly peer: Peer;
  intervals: Interval[];
}

type AddressCell = Cell & { readonly peer: Extract<Peer, { kind: 'address' }> };

/**
 * The rules' cells, in the order first met. Cells by peer, then by shape (direction × protocol × action
 * as a small number): no string is built per rule, which matters with a million rules.
 */
function cellsOf(rules: readonly Rule[]): Cell[] {
  const byPeer = new Map<string, (Cell | undefined)[]>();
  const cells: Cell[] = [];
  for (const r of rules) {
    const pk = peerKey(r.peer);
    let shapes = byPeer.get(pk);
    if (!shapes) byPeer.set(pk, (shapes = []));
    const shape = (r.direction === 'inbound' ? 0 : 6) + (r.protocol === 'tcp' ? 0 : r.protocol === 'udp' ? 2 : 4) + (r.action === 'allow' ? 0 : 1);
    let cell = shapes[shape];
    if (!cell) {
      cell = { direction: r.direction, protocol: r.protocol, action: r.action, peer: r.peer, intervals: [] };
      shapes[shape] = cell;
      cells.push(cell);
    }
    const from = r.protocol === 'icmp' ? 1 : portsFrom(r.ports);
    const to = r.protocol === 'icmp' ? 65535 : portsTo(r.ports);
    cell.intervals.push({ from, to, origins: [r.origins] });
  }
  return cells;
}

/**
 * Drops the intervals of address cells that wider addresses of the same shape allow in full. Address
 * cells are grouped by shape, and each one's containing blocks looked up by prefix length
 * (O(cells × distinct prefix lengths)).
 */
function dropCoveredAddresses(cells: readonly Cell[]): void {
  const byShape = new Map<string, AddressCell[]>();
  for (const cell of cells) {
    if (cell.peer.kind !== 'address') continue;
    const shape = `${cell.direction} ${cell.protocol} ${cell.action} ${cell.peer.cidr.family}`;
    let list = byShape.get(shape);
    if (!list) byShape.set(shape, (list = []));
    list.push(cell as AddressCell);
  }
  for (const group of byShape.values()) {
    if (group.length < 2) continue;
    const prefixes = [...new Set(group.map((c) => c.peer.cidr.prefix))];
    const index = new Map(group.map((c) => [`${c.peer.cidr.prefix}/${c.peer.cidr.network}`, c]));
    for (const c of group) {
      const cidr = c.peer.cidr;
      const containers: AddressCell[] = [];
      for (const p of prefixes) {
        if (p >= cidr.prefix) continue;
        const outer = index.get(`${p}/${networkOf(cidr, p)}`);
        if (outer && cidrContains(outer.peer.cidr, cidr)) containers.push(outer);
      }
      if (containers.length === 0) continue;
      const cover = mergeIntervals(containers.flatMap((o) => o.intervals.map((iv) => ({ from: iv.from, to: iv.to, origins: [] }))));
      c.intervals = c.intervals.filter((iv) => !covered(iv.from, iv.to, cover));
    }
  }
}

/**
 * Groups canonical rules the way DigitalOcean holds them: one rule per direction, protocol, port
 * interval and action, with every peer of that shape as its sources or destinations, at most
 * MAX_ENTRIES_PER_RULE peers each (a larger set is split into several rules of the same shape).
 */
export function groupRules(rules: readonly Rule[]): GroupedRule[] {
  const groups = new Map<string, { shape: Rule; peers: Peer[] }>();
  for (const r of rules) {
    const key = `${r.direction} ${r.protocol} ${r.protocol === 'icmp' ? 'all' : portsText(r.ports)} ${r.action}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { shape: r, peers: [] }));
    g.peers.push(r.peer);
  }
  const out: GroupedRule[] = [];
  for (const { shape, peers } of groups.values()) {
    peers.sort(comparePeers);
    for (let i = 0; i < peers.length; i += MAX_ENTRIES_PER_RULE) {
      out.push({
        direction: shape.direction,
        protocol: shape.protocol,
        ports: shape.protocol === 'icmp' ? ALL_PORTS : shape.ports,
        action: shape.action,
        peers: peers.slice(i, i + MAX_ENTRIES_PER_RULE),
      });
    }
  }
  return out.sort((a, b) => compareShape(a, b) || comparePeers(a.peers[0]!, b.peers[0]!));
}

/** The atomic rules of grouped rules (the inverse of groupRules, before canonicalisation). */
export function ungroupRules(grouped: readonly GroupedRule[], origins: readonly Origin[] = []): Rule[] {
  return grouped.flatMap((g) =>
    g.peers.map((peer) => ({
      direction: g.direction,
      protocol: g.protocol,
      ports: g.ports,
      peer,
      action: g.action,
      origins,
    })),
  );
}

/** The rules of open egress: every tcp and udp port and icmp, to every IPv4 and IPv6 address. */
export function openEgressRules(origins: readonly Origin[]): Rule[] {
  const rules: Rule[] = [];
  for (const protocol of ['tcp', 'udp', 'icmp'] as const) {
    for (const cidr of [ANY_IPV4, ANY_IPV6]) {
      rules.push({ direction: 'outbound', protocol, ports: ALL_PORTS, peer: { kind: 'address', cidr }, action: 'allow', origins });
    }
  }
  return rules;
}
