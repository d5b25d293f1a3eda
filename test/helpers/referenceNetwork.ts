/**
 * The reachability engine as it was before the bitset engine of src/analysis/network.ts (issue 13): each
 * pair computed from the matching rules as interval lists, with a memo of every pair. Kept, test-only,
 * as the reference the new engine is proven equal to (test/analysis/engine.test.ts) until it is deleted.
 */
import type { DatabaseAccess, FlowExplanation, Host, RuleAt, SideExplanation } from '../../src/analysis/network.js';
import { cidrContains, networkOf, type Cidr } from '../../src/model/addresses.js';
import type { Firewall, Peer, Rule, TrustedSource } from '../../src/model/firewall.js';
import { EMPTY, FULL, fromParts, intersect, isEmpty, subtract, union, type ServiceSet } from '../../src/analysis/serviceSet.js';

// The vocabulary is the engine's own; only the way flows are worked out is the old one.
export type { DatabaseAccess, FlowExplanation, Host, RuleAt, SideExplanation };

/** A cluster's worker droplets carry the tag `k8s:<cluster id>` (DO-API-FACTS.md 4): they are the cluster. */
function isNodeOf(host: Host, clusterId: string): boolean {
  const tag = `k8s:${clusterId}`.toLowerCase();
  return host.kind === 'droplet' && host.tags.some((t) => t.toLowerCase() === tag);
}

function peerMatches(peer: Peer, host: Host): boolean {
  switch (peer.kind) {
    case 'tag': {
      if (host.kind !== 'droplet') return false;
      const name = peer.name.toLowerCase();
      return host.tags.some((t) => t.toLowerCase() === name);
    }
    case 'address':
      return host.addresses.some((a) => cidrContains(peer.cidr, a));
    case 'droplet':
      return host.dropletId === peer.id;
    case 'load-balancer':
      return host.loadBalancerId === peer.id;
    case 'kubernetes':
      return host.clusterId === peer.id || isNodeOf(host, peer.id);
    case 'unresolved':
      switch (peer.resource) {
        case 'droplet':
          return host.dropletName === peer.name;
        case 'load-balancer':
          return host.loadBalancerName === peer.name;
        case 'cluster':
          return host.clusterName === peer.name;
        case 'vpc':
          return host.vpcName === peer.name;
      }
  }
}

function trustMatches(source: TrustedSource, host: Host): boolean {
  switch (source.type) {
    case 'tag':
      return host.kind === 'droplet' && host.tags.some((t) => t.toLowerCase() === source.value.toLowerCase());
    case 'ip_addr':
      return host.addresses.some((a) => a.family === 4 && cidrContains(parseV4Block(source.value), a));
    case 'droplet':
      return String(host.dropletId) === source.value;
    case 'k8s':
      return host.clusterId === source.value || isNodeOf(host, source.value);
    case 'unresolved':
      return source.resource === 'droplet' ? host.dropletName === source.name : source.resource === 'vpc' ? host.vpcName === source.name : host.clusterName === source.name;
  }
}

function parseV4Block(text: string): Cidr {
  const [addr, prefix] = text.split('/');
  const value = (addr ?? '').split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
  const p = prefix === undefined ? 32 : Number(prefix);
  return { family: 4, network: value, prefix: p, text };
}

/** A firewall's rules of one direction, indexed by what they match, so a host finds its rules fast. */
interface SideIndex {
  readonly byTag: Map<string, Rule[]>;
  readonly byDroplet: Map<number, Rule[]>;
  /** Address rules by family and prefix length, then by network: a host looks up each prefix once. */
  readonly byBlock: Map<string, Map<bigint, Rule[]>>;
  readonly prefixes: { readonly family: 4 | 6; readonly prefix: number }[];
  readonly other: Rule[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexSide(rules: readonly Rule[]): SideIndex {
  const index: SideIndex = { byTag: new Map(), byDroplet: new Map(), byBlock: new Map(), prefixes: [], other: [] };
  for (const rule of rules) {
    const peer = rule.peer;
    if (peer.kind === 'tag') push(index.byTag, peer.name.toLowerCase(), rule);
    else if (peer.kind === 'droplet') push(index.byDroplet, peer.id, rule);
    else if (peer.kind === 'address') {
      const key = `${peer.cidr.family}/${peer.cidr.prefix}`;
      let blocks = index.byBlock.get(key);
      if (!blocks) {
        index.byBlock.set(key, (blocks = new Map()));
        index.prefixes.push({ family: peer.cidr.family, prefix: peer.cidr.prefix });
      }
      push(blocks, peer.cidr.network, rule);
    } else index.other.push(rule);
  }
  return index;
}

export class ReferenceNetwork {
  private readonly byTag = new Map<string, Firewall[]>();
  private readonly byDroplet = new Map<number, Firewall[]>();
  private readonly byDropletName = new Map<string, Firewall[]>();
  private readonly databases = new Map<string, DatabaseAccess>();
  private readonly indexes = new Map<Firewall, Record<'inbound' | 'outbound', Record<Rule['action'], SideIndex>>>();
  // Analyses ask about the same pairs of hosts again and again; hosts are identified by their key, in
  // nested maps (a string per pair made large plans spend a fifth of their time collecting garbage).
  private readonly memo = new Map<string, Map<string, ServiceSet>>();
  private readonly denyMemo = new Map<string, Map<string, ServiceSet>>();

  constructor(
    readonly firewalls: readonly Firewall[],
    databases: readonly DatabaseAccess[] = [],
  ) {
    for (const fw of firewalls) {
      for (const tag of fw.tags) {
        const key = tag.toLowerCase();
        const list = this.byTag.get(key) ?? [];
        if (!list.includes(fw)) list.push(fw);
        this.byTag.set(key, list);
      }
      for (const id of fw.dropletIds) {
        const list = this.byDroplet.get(id) ?? [];
        if (!list.includes(fw)) list.push(fw);
        this.byDroplet.set(id, list);
      }
      for (const name of fw.set?.unresolved ?? []) {
        const list = this.byDropletName.get(name) ?? [];
        if (!list.includes(fw)) list.push(fw);
        this.byDropletName.set(name, list);
      }
    }
    for (const db of databases) this.databases.set(db.name, db);
  }

  /** The firewalls applied to a host (only droplets carry firewalls). */
  firewallsOf(host: Host): Firewall[] {
    if (host.kind !== 'droplet') return [];
    const found = new Set<Firewall>();
    for (const tag of host.tags) for (const fw of this.byTag.get(tag.toLowerCase()) ?? []) found.add(fw);
    if (host.dropletId !== undefined) for (const fw of this.byDroplet.get(host.dropletId) ?? []) found.add(fw);
    if (host.dropletName !== undefined && this.byDropletName.size > 0) for (const fw of this.byDropletName.get(host.dropletName) ?? []) found.add(fw);
    return [...found];
  }

  // Allow and deny rules are indexed apart: deny rules are few, and what guardrails take away is asked
  // far more often than it is present.
  private index(fw: Firewall): Record<'inbound' | 'outbound', Record<Rule['action'], SideIndex>> {
    let index = this.indexes.get(fw);
    if (!index) {
      const part = (d: Rule['direction'], a: Rule['action']) => indexSide(fw.rules.filter((r) => r.direction === d && r.action === a));
      index = {
        inbound: { allow: part('inbound', 'allow'), deny: part('inbound', 'deny') },
        outbound: { allow: part('outbound', 'allow'), deny: part('outbound', 'deny') },
      };
      this.indexes.set(fw, index);
    }
    return index;
  }

  /** The rules of `firewalls` of one direction and action whose peer is `peer`. */
  private matching(firewalls: readonly Firewall[], direction: 'inbound' | 'outbound', action: Rule['action'], peer: Host): Rule[] {
    const out: Rule[] = [];
    for (const fw of firewalls) {
      const index = this.index(fw)[direction][action];
      if (peer.kind === 'droplet') for (const tag of peer.tags) for (const r of index.byTag.get(tag.toLowerCase()) ?? []) out.push(r);
      if (peer.dropletId !== undefined) for (const r of index.byDroplet.get(peer.dropletId) ?? []) out.push(r);
      for (const address of peer.addresses) {
        for (const { family, prefix } of index.prefixes) {
          if (family !== address.family || prefix > address.prefix) continue;
          for (const r of index.byBlock.get(`${family}/${prefix}`)?.get(networkOf(address, prefix)) ?? []) out.push(r);
        }
      }
      for (const rule of index.other) if (peerMatches(rule.peer, peer)) out.push(rule);
    }
    return out;
  }

  private set(firewalls: readonly Firewall[], direction: 'inbound' | 'outbound', action: Rule['action'], peer: Host): ServiceSet {
    return fromParts(
      this.matching(firewalls, direction, action, peer).map((rule) => ({
        protocol: rule.protocol,
        from: rule.ports.kind === 'all' ? 1 : rule.ports.from,
        to: rule.ports.kind === 'all' ? 65535 : rule.ports.to,
      })),
    );
  }

  private admitted(src: Host, dst: Host): boolean {
    const db = dst.databaseName !== undefined ? this.databases.get(dst.databaseName) : undefined;
    return !db || db.sources.length === 0 || db.sources.some((s) => trustMatches(s, src));
  }

  /** Everything `src` may send to `dst`: inbound at dst ∩ outbound at src, denies removed. */
  allowed(src: Host, dst: Host): ServiceSet {
    let row = this.memo.get(src.key);
    if (!row) this.memo.set(src.key, (row = new Map()));
    const hit = row.get(dst.key);
    if (hit) return hit;
    let result: ServiceSet;
    if (dst.kind === 'database') {
      result = this.admitted(src, dst) ? FULL : EMPTY;
    } else {
      const dstFirewalls = this.firewallsOf(dst);
      result = dstFirewalls.length === 0 ? FULL : this.set(dstFirewalls, 'inbound', 'allow', src);
    }
    const srcFirewalls = this.firewallsOf(src);
    if (srcFirewalls.length > 0 && !isEmpty(result)) result = intersect(result, this.set(srcFirewalls, 'outbound', 'allow', dst));
    if (!isEmpty(result)) result = subtract(result, this.denied(src, dst));
    row.set(dst.key, result);
    return result;
  }

  /** What deny rules take away from `src` → `dst`, on either side, whatever the allows say. */
  denied(src: Host, dst: Host): ServiceSet {
    let row = this.denyMemo.get(src.key);
    if (!row) this.denyMemo.set(src.key, (row = new Map()));
    const hit = row.get(dst.key);
    if (hit) return hit;
    const inbound = dst.kind === 'database' ? EMPTY : this.set(this.firewallsOf(dst), 'inbound', 'deny', src);
    const result = union(inbound, this.set(this.firewallsOf(src), 'outbound', 'deny', dst));
    row.set(dst.key, result);
    return result;
  }

  /** Whether any firewall holds a deny rule (analyses about guardrails can stop early when none does). */
  hasDenyRules(): boolean {
    return this.firewalls.some((fw) => fw.rules.some((r) => r.action === 'deny'));
  }

  private explainSide(
    firewalls: readonly Firewall[],
    direction: 'inbound' | 'outbound',
    peer: Host,
    protocol: Rule['protocol'],
    port: number | null,
  ): SideExplanation | null {
    if (firewalls.length === 0) return null;
    const hits = (action: Rule['action']): RuleAt[] =>
      firewalls.flatMap((fw) =>
        this.matching([fw], direction, action, peer)
          .filter((r) => r.protocol === protocol && (port === null || r.ports.kind === 'all' || (r.ports.from <= port && port <= r.ports.to)))
          .map((rule) => ({ firewall: fw.name, rule })),
      );
    return { firewalls: firewalls.map((f) => f.name), allowedBy: hits('allow'), deniedBy: hits('deny') };
  }

  /** Why one flow is or is not allowed: which rules allow it, which deny it, which side has none. */
  explain(src: Host, dst: Host, protocol: Rule['protocol'], port: number | null): FlowExplanation {
    const inbound = dst.kind === 'database' ? null : this.explainSide(this.firewallsOf(dst), 'inbound', src, protocol, port);
    const outbound = this.explainSide(this.firewallsOf(src), 'outbound', dst, protocol, port);
    const sideOk = (s: SideExplanation | null) => s === null || (s.allowedBy.length > 0 && s.deniedBy.length === 0);
    let trusted: boolean | null = null;
    if (dst.kind === 'database') {
      const db = dst.databaseName !== undefined ? this.databases.get(dst.databaseName) : undefined;
      trusted = !db || db.sources.length === 0 || db.sources.some((s) => trustMatches(s, src));
    }
    return { allowed: sideOk(inbound) && sideOk(outbound) && trusted !== false, inbound, outbound, trusted };
  }
}
