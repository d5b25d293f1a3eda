/**
 * DigitalOcean's firewall semantics over any set of firewalls (desired, live, or a step of an apply):
 *
 * - a droplet with no firewall is open, inbound and outbound;
 * - with firewalls, inbound and outbound are deny by default, and the allow rules of every firewall on
 *   the droplet add up (an empty outbound list means no egress at all);
 * - a deny rule (`action: deny`) in any of them beats every allow;
 * - a flow between two droplets needs the sender's outbound and the receiver's inbound rules to allow it;
 * - a managed database admits its trusted sources, or everyone when it has none.
 *
 * NOTE: sources DO-API-FACTS.md section 4 (default deny, additive firewalls, deny precedence, open when
 * no firewall, trusted sources).
 *
 * The engine: droplets with the same firewalls share one index per side (inbound, outbound) and action,
 * in which every rule's ports are a bitset over port atoms (portAtoms.ts) merged per peer. A flow is then a few lookups for the peer's tags, id and
 * address blocks and word-wise OR, AND and AND-NOT of the bitsets found — no allocation per pair, and no
 * memo of pairs (the lookups are cheaper than remembering them).
 */
import { ANY_IPV4, ANY_IPV6, type Cidr, cidrContains, type Firewall, networkOf, type Peer, portsHold, type Rule, type TrustedSource } from '../model/index.js';
import { andInto, andNotInto, isZero, orInto, PortAtoms, sameBits, type Bits } from './portAtoms.js';
import { EMPTY, type ServiceSet } from './serviceSet.js';

/** A party of a flow: a droplet, an outside address, a load balancer, a cluster or a database. */
export interface Host {
  /** Stable identity, e.g. `tag:web`, `addr:203.0.113.0`. */
  readonly key: string;
  /** How the host reads in messages: "a droplet tagged `web`", "`office` (203.0.113.0)". */
  readonly label: string;
  readonly kind: 'droplet' | 'external' | 'load-balancer' | 'cluster' | 'database';
  /** Tags of a droplet (DigitalOcean spelling; matched case-insensitively). */
  readonly tags: readonly string[];
  /** Single-host addresses the host sends from and is reached at. */
  readonly addresses: readonly Cidr[];
  readonly dropletId?: number;
  readonly dropletName?: string;
  readonly loadBalancerId?: string;
  readonly loadBalancerName?: string;
  readonly clusterId?: string;
  readonly clusterName?: string;
  readonly databaseName?: string;
  /** An outside host that stands for a VPC named in a policy, before its range is known. */
  readonly vpcName?: string;
}

export interface DatabaseAccess {
  /** The database's name (as policies write it). */
  readonly name: string;
  readonly sources: readonly TrustedSource[];
}

/** A rule with the firewall that holds it, for explanations. */
export interface RuleAt {
  readonly firewall: string;
  readonly rule: Rule;
}

/** Why a flow is or is not allowed, side by side. */
export interface FlowExplanation {
  readonly allowed: boolean;
  /** Null when the side has no firewall (open). */
  readonly inbound: SideExplanation | null;
  readonly outbound: SideExplanation | null;
  /** For databases: whether the trusted sources admit the source (null when not a database). */
  readonly trusted: boolean | null;
}

export interface SideExplanation {
  readonly firewalls: readonly string[];
  readonly allowedBy: readonly RuleAt[];
  readonly deniedBy: readonly RuleAt[];
}

/** A cluster's worker droplets carry the tag `k8s:<cluster id>` (DO-API-FACTS.md 4): they are the cluster. */
function isNodeOf(host: Host, clusterId: string): boolean {
  return host.kind === 'droplet' && lowerTags(host).includes(`k8s:${clusterId}`.toLowerCase());
}

// What is asked of a host again and again, worked out once: its tags lower-cased, and the network of
// each of its addresses at each prefix length (BigInt masking is the dear part of a lookup).
const lowered = new WeakMap<Host, readonly string[]>();
function lowerTags(host: Host): readonly string[] {
  let tags = lowered.get(host);
  if (!tags) lowered.set(host, (tags = host.tags.map((t) => t.toLowerCase())));
  return tags;
}
const loweredPeers = new WeakMap<Peer, string>();
/** A tag peer's name lower-cased (rules share their peer objects: once per peer). */
function lowerTag(peer: Extract<Peer, { kind: 'tag' }>): string {
  let name = loweredPeers.get(peer);
  if (name === undefined) loweredPeers.set(peer, (name = peer.name.toLowerCase()));
  return name;
}
const addressNetworks = new WeakMap<Cidr, Map<number, bigint>>();
/** networkOf(address, prefix), remembered per address (explanations ask it per firewall and prefix). */
function addressNetwork(address: Cidr, prefix: number): bigint {
  let byPrefix = addressNetworks.get(address);
  if (!byPrefix) addressNetworks.set(address, (byPrefix = new Map()));
  let network = byPrefix.get(prefix);
  if (network === undefined) byPrefix.set(prefix, (network = networkOf(address, prefix)));
  return network;
}
const networks = new WeakMap<Host, Map<number, bigint[]>>();
/** The networks of a host's addresses of `family` at `prefix` (an address of a longer prefix only). */
function networksOf(host: Host, family: 4 | 6, prefix: number): readonly bigint[] {
  let byPrefix = networks.get(host);
  if (!byPrefix) networks.set(host, (byPrefix = new Map()));
  const key = family * 256 + prefix;
  let list = byPrefix.get(key);
  if (!list) byPrefix.set(key, (list = host.addresses.filter((a) => a.family === family && a.prefix >= prefix).map((a) => networkOf(a, prefix))));
  return list;
}

/** Whether a rule naming `peer` applies to `host` (DigitalOcean semantics; exported for indexes of hosts). */
export function peerMatches(peer: Peer, host: Host): boolean {
  switch (peer.kind) {
    case 'tag':
      return host.kind === 'droplet' && lowerTags(host).includes(peer.name.toLowerCase());
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
      return host.kind === 'droplet' && lowerTags(host).includes(source.value.toLowerCase());
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

const v4Blocks = new Map<string, Cidr>();
function parseV4Block(text: string): Cidr {
  let cidr = v4Blocks.get(text);
  if (!cidr) v4Blocks.set(text, (cidr = parseV4BlockOnce(text)));
  return cidr;
}

function parseV4BlockOnce(text: string): Cidr {
  const [addr, prefix] = text.split('/');
  const value = (addr ?? '').split('.').reduce((n, o) => (n << 8n) | BigInt(Number(o)), 0n);
  const p = prefix === undefined ? 32 : Number(prefix);
  return { family: 4, network: value, prefix: p, text };
}

/** A firewall's rules of one direction, indexed by what they match, so a host finds its rules fast. */
interface SideIndex {
  readonly byTag: Map<string, Rule[]>;
  readonly byDroplet: Map<number, Rule[]>;
  /** Address rules by family and prefix length (in the order first seen), then by network. */
  readonly prefixes: { readonly family: 4 | 6; readonly prefix: number; readonly blocks: Map<bigint, Rule[]> }[];
  readonly other: Rule[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexSide(rules: readonly Rule[]): SideIndex {
  const index: SideIndex = { byTag: new Map(), byDroplet: new Map(), prefixes: [], other: [] };
  const byPrefix = new Map<number, Map<bigint, Rule[]>>();
  for (const rule of rules) {
    const peer = rule.peer;
    if (peer.kind === 'tag') push(index.byTag, lowerTag(peer), rule);
    else if (peer.kind === 'droplet') push(index.byDroplet, peer.id, rule);
    else if (peer.kind === 'address') {
      const key = peer.cidr.family * 256 + peer.cidr.prefix;
      let blocks = byPrefix.get(key);
      if (!blocks) {
        byPrefix.set(key, (blocks = new Map()));
        index.prefixes.push({ family: peer.cidr.family, prefix: peer.cidr.prefix, blocks });
      }
      push(blocks, peer.cidr.network, rule);
    } else index.other.push(rule);
  }
  return index;
}

/** One side (direction × action) of a set of firewalls: the ports each peer is allowed, as bitsets. */
interface BitSide {
  /** Tag rules by lower-cased tag; cluster rules also under their nodes' tag `k8s:<id>`. */
  readonly byTag: Map<string, Bits>;
  readonly byDroplet: Map<number, Bits>;
  /** Load balancer and cluster rules by id (a cluster host is its id; its nodes are found by tag). */
  readonly byResource: Map<string, Bits>;
  /** Address rules by the id of their block (Blocks). */
  readonly byBlock: Map<number, Bits>;
  readonly other: { readonly peer: Peer; readonly bits: Bits }[];
  readonly empty: boolean;
  /** Every port to `0.0.0.0/0` and `::/0`: any peer with an address gets everything (open egress). */
  readonly open: boolean;
}

/**
 * The address blocks that rules name, numbered, and for each host the blocks that hold one of its
 * addresses — found once per host, so that a flow looks up a host's two or three blocks instead of
 * masking its addresses at every prefix length of every side.
 */
class Blocks {
  private readonly ids = new Map<number, Map<bigint, number>>();
  private readonly prefixes: { family: 4 | 6; prefix: number; key: number }[] = [];
  private ofHost = new WeakMap<Host, readonly number[]>();
  private count = 0;

  idOf(cidr: Cidr): number {
    const key = cidr.family * 256 + cidr.prefix;
    let byNetwork = this.ids.get(key);
    if (!byNetwork) {
      this.ids.set(key, (byNetwork = new Map()));
      this.prefixes.push({ family: cidr.family, prefix: cidr.prefix, key });
    }
    let id = byNetwork.get(cidr.network);
    if (id === undefined) {
      byNetwork.set(cidr.network, (id = this.count++));
      // A block seen after hosts were looked up: they may lie in it.
      this.ofHost = new WeakMap();
    }
    return id;
  }

  /** The id of a block rules name, or undefined when none does. */
  find(cidr: Cidr): number | undefined {
    return this.ids.get(cidr.family * 256 + cidr.prefix)?.get(cidr.network);
  }

  of(host: Host): readonly number[] {
    let list = this.ofHost.get(host);
    if (!list) {
      const found: number[] = [];
      for (const { family, prefix, key } of this.prefixes) {
        const byNetwork = this.ids.get(key)!;
        for (const network of networksOf(host, family, prefix)) {
          const id = byNetwork.get(network);
          if (id !== undefined && !found.includes(id)) found.push(id);
        }
      }
      this.ofHost.set(host, (list = found));
    }
    return list;
  }
}

/** Builds one side of `firewalls` (rules of one direction and action) as bitsets by peer. */
function buildSide(firewalls: readonly Firewall[], direction: 'inbound' | 'outbound', action: Rule['action'], atoms: PortAtoms, blocks: Blocks): BitSide {
  const byTag = new Map<string, Bits>();
  const byDroplet = new Map<number, Bits>();
  const byResource = new Map<string, Bits>();
  const byBlock = new Map<number, Bits>();
  const others = new Map<Peer, Bits>();
  const bitsIn = <K>(map: Map<K, Bits>, key: K): Bits => {
    let bits = map.get(key);
    if (!bits) map.set(key, (bits = new Uint32Array(atoms.words)));
    return bits;
  };
  let any = false;
  for (const fw of firewalls) {
    for (const rule of fw.rules) {
      if (rule.direction !== direction || rule.action !== action) continue;
      any = true;
      const peer = rule.peer;
      if (peer.kind === 'kubernetes') {
        // A cluster is reached as itself (its id) and through its worker droplets (tag k8s:<id>).
        atoms.add(bitsIn(byResource, `k8s:${peer.id}`), rule.protocol, rule.ports);
        atoms.add(bitsIn(byTag, `k8s:${peer.id}`.toLowerCase()), rule.protocol, rule.ports);
        continue;
      }
      const bits =
        peer.kind === 'tag'
          ? bitsIn(byTag, lowerTag(peer))
          : peer.kind === 'droplet'
            ? bitsIn(byDroplet, peer.id)
            : peer.kind === 'address'
              ? bitsIn(byBlock, blocks.idOf(peer.cidr))
              : peer.kind === 'load-balancer'
                ? bitsIn(byResource, `lb:${peer.id}`)
                : bitsIn(others, peer);
      atoms.add(bits, rule.protocol, rule.ports);
    }
  }
  return sideOf(byTag, byDroplet, byResource, byBlock, [...others].map(([peer, bits]) => ({ peer, bits })), !any, atoms, blocks);
}

function sideOf(
  byTag: Map<string, Bits>,
  byDroplet: Map<number, Bits>,
  byResource: Map<string, Bits>,
  byBlock: Map<number, Bits>,
  other: BitSide['other'],
  empty: boolean,
  atoms: PortAtoms,
  blocks: Blocks,
): BitSide {
  const everything = (block: Cidr) => {
    const id = blocks.find(block);
    const bits = id === undefined ? undefined : byBlock.get(id);
    return bits !== undefined && sameBits(bits, atoms.full);
  };
  const open = everything(ANY_IPV4) && everything(ANY_IPV6);
  return { byTag, byDroplet, byResource, byBlock, other, empty, open };
}

/** The firewalls on one host (droplets with the same ones share it), with their sides built on demand. */
class FirewallSet {
  /** inbound allow, inbound deny, outbound allow, outbound deny. */
  private readonly sides: (BitSide | undefined)[] = [undefined, undefined, undefined, undefined];
  constructor(
    readonly firewalls: readonly Firewall[],
    private readonly atoms: PortAtoms,
    private readonly blocks: Blocks,
  ) {}

  side(direction: 'inbound' | 'outbound', action: Rule['action']): BitSide {
    const i = (direction === 'inbound' ? 0 : 2) + (action === 'allow' ? 0 : 1);
    return (this.sides[i] ??= buildSide(this.firewalls, direction, action, this.atoms, this.blocks));
  }
}

/**
 * Collects into `found` the bitsets `side` holds for `peer` (their OR is what the side gives it) and
 * returns how many, or -1 when the side gives it every port (open to every address).
 */
function rowOf(side: BitSide, peer: Host, blocks: Blocks, found: Bits[]): number {
  if (side.empty) return 0;
  if (side.open && peer.addresses.length > 0) return -1;
  let n = 0;
  if (peer.kind === 'droplet' && side.byTag.size > 0) {
    for (const tag of lowerTags(peer)) {
      const bits = side.byTag.get(tag);
      if (bits) found[n++] = bits;
    }
  }
  if (peer.dropletId !== undefined && side.byDroplet.size > 0) {
    const bits = side.byDroplet.get(peer.dropletId);
    if (bits) found[n++] = bits;
  }
  if (side.byResource.size > 0) {
    const id = peer.loadBalancerId !== undefined ? `lb:${peer.loadBalancerId}` : peer.clusterId !== undefined ? `k8s:${peer.clusterId}` : undefined;
    const bits = id === undefined ? undefined : side.byResource.get(id);
    if (bits) found[n++] = bits;
  }
  if (side.byBlock.size > 0) {
    for (const id of blocks.of(peer)) {
      const bits = side.byBlock.get(id);
      if (bits) found[n++] = bits;
    }
  }
  for (const { peer: p, bits } of side.other) if (peerMatches(p, peer)) found[n++] = bits;
  return n;
}

/** `out &= ~row` for the row `side` gives `peer`; false when that row is every port (nothing is left). */
function takeAway(side: BitSide, peer: Host, blocks: Blocks, out: Bits): boolean {
  if (side.empty) return true;
  const n = rowOf(side, peer, blocks, FOUND);
  for (let i = 0; i < n; i++) andNotInto(out, FOUND[i]!);
  FOUND.length = 0;
  return n >= 0;
}

// The bitsets of one row, reused by every pair (nothing is kept in it between calls).
const FOUND: Bits[] = [];

/** ORs into `out` the ports that `side` gives `peer`. */
function rowInto(side: BitSide, peer: Host, blocks: Blocks, out: Bits, full: Bits): void {
  const n = rowOf(side, peer, blocks, FOUND);
  if (n < 0) out.set(full);
  for (let i = 0; i < n; i++) orInto(out, FOUND[i]!);
  FOUND.length = 0;
}

export class Network {
  readonly atoms: PortAtoms;
  private readonly byTag = new Map<string, Firewall[]>();
  private readonly byDroplet = new Map<number, Firewall[]>();
  // Compiled (unresolved) droplet sets name droplets by name; resolved ones by id only.
  private readonly byDropletName = new Map<string, Firewall[]>();
  private readonly databases = new Map<string, DatabaseAccess>();
  private readonly admits = new Map<DatabaseAccess, WeakMap<Host, boolean>>();
  private readonly ids = new Map<Firewall, number>();
  /** Firewall sets by the ids of their firewalls, and each host's by its key. */
  private readonly sets = new Map<string, FirewallSet>();
  private readonly hostSets = new Map<string, FirewallSet>();
  private readonly hostFirewalls = new Map<string, Firewall[]>();
  /** The same array of firewalls asked about again (deniesOn, a host's own list) finds its set at once. */
  private readonly listSets = new WeakMap<readonly Firewall[], FirewallSet>();
  private readonly indexes = new Map<Firewall, Record<'inbound' | 'outbound', Record<Rule['action'], SideIndex>>>();
  private readonly denies: boolean;
  private readonly blocks = new Blocks();
  private readonly scratch: Bits;
  private readonly result: Bits;

  /**
   * `atoms`: the port atoms to work in, when results of several networks are compared as bitsets (they
   * must then be built from the rules of all of them: Network.atomsOf).
   */
  constructor(
    readonly firewalls: readonly Firewall[],
    databases: readonly DatabaseAccess[] = [],
    atoms?: PortAtoms,
  ) {
    this.atoms = atoms ?? Network.atomsOf(firewalls);
    this.scratch = new Uint32Array(this.atoms.words);
    this.result = new Uint32Array(this.atoms.words);
    firewalls.forEach((fw, i) => {
      this.ids.set(fw, i);
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
    });
    for (const db of databases) this.databases.set(db.name, db);
    this.denies = firewalls.some((fw) => fw.rules.some((r) => r.action === 'deny'));
    for (const fw of firewalls) for (const r of fw.rules) if (r.peer.kind === 'address') this.blocks.idOf(r.peer.cidr);
  }

  /** Port atoms for comparing networks made of these firewalls as bitsets. */
  static atomsOf(...firewalls: readonly (readonly Firewall[])[]): PortAtoms {
    return new PortAtoms(firewalls.flatMap((list) => list.flatMap((fw) => fw.rules)));
  }

  /** The firewalls applied to a host (only droplets carry firewalls), by its tags, then its id. Do not change the array. */
  firewallsOf(host: Host): Firewall[] {
    let list = this.hostFirewalls.get(host.key);
    if (!list) {
      const found = new Set<Firewall>();
      if (host.kind === 'droplet') {
        for (const tag of lowerTags(host)) for (const fw of this.byTag.get(tag) ?? []) found.add(fw);
        if (host.dropletId !== undefined) for (const fw of this.byDroplet.get(host.dropletId) ?? []) found.add(fw);
        if (host.dropletName !== undefined && this.byDropletName.size > 0) for (const fw of this.byDropletName.get(host.dropletName) ?? []) found.add(fw);
      }
      this.hostFirewalls.set(host.key, (list = [...found]));
    }
    return list;
  }

  private setOf(host: Host): FirewallSet {
    let set = this.hostSets.get(host.key);
    if (!set) this.hostSets.set(host.key, (set = this.setFor(this.firewallsOf(host))));
    return set;
  }

  private setFor(firewalls: readonly Firewall[]): FirewallSet {
    let set = this.listSets.get(firewalls);
    if (!set) this.listSets.set(firewalls, (set = this.setForList(firewalls)));
    return set;
  }

  private setForList(firewalls: readonly Firewall[]): FirewallSet {
    const sorted = [...firewalls].sort((a, b) => this.idOf(a) - this.idOf(b));
    const key = sorted.map((f) => this.idOf(f)).join(',');
    let set = this.sets.get(key);
    if (!set) this.sets.set(key, (set = new FirewallSet(sorted, this.atoms, this.blocks)));
    return set;
  }

  private idOf(fw: Firewall): number {
    let id = this.ids.get(fw);
    // A firewall that is not part of this network (a list given to deniesOn): numbered after them.
    if (id === undefined) this.ids.set(fw, (id = this.ids.size));
    return id;
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

  /**
   * Whether the host's firewalls let everything through on one side to every address: some firewall,
   * every port of every protocol to `0.0.0.0/0` and `::/0`, and no deny rule on that side (open egress).
   * Then no other firewall on the host can change that side for a peer that has an address.
   */
  allowsEverything(host: Host, direction: 'inbound' | 'outbound'): boolean {
    const set = this.setOf(host);
    return set.firewalls.length > 0 && set.side(direction, 'deny').empty && set.side(direction, 'allow').open;
  }

  /** Whether `firewalls` hold a deny rule on one side. */
  deniesOn(firewalls: readonly Firewall[], direction: 'inbound' | 'outbound'): boolean {
    return firewalls.length > 0 && !this.setFor(firewalls).side(direction, 'deny').empty;
  }

  /** The rules of `firewalls` of one direction and action whose peer is `peer` (for explanations). */
  private matching(firewalls: readonly Firewall[], direction: 'inbound' | 'outbound', action: Rule['action'], peer: Host): Rule[] {
    const out: Rule[] = [];
    for (const fw of firewalls) {
      const index = this.index(fw)[direction][action];
      if (peer.kind === 'droplet') for (const tag of lowerTags(peer)) for (const r of index.byTag.get(tag) ?? []) out.push(r);
      if (peer.dropletId !== undefined) for (const r of index.byDroplet.get(peer.dropletId) ?? []) out.push(r);
      for (const address of peer.addresses) {
        for (const { family, prefix, blocks } of index.prefixes) {
          if (family !== address.family || prefix > address.prefix) continue;
          for (const r of blocks.get(addressNetwork(address, prefix)) ?? []) out.push(r);
        }
      }
      for (const rule of index.other) if (peerMatches(rule.peer, peer)) out.push(rule);
    }
    return out;
  }

  private admitted(src: Host, dst: Host): boolean {
    const db = dst.databaseName !== undefined ? this.databases.get(dst.databaseName) : undefined;
    if (!db || db.sources.length === 0) return true;
    // Databases are few and every source is asked about each: remember the answer per source host.
    let bySource = this.admits.get(db);
    if (!bySource) this.admits.set(db, (bySource = new WeakMap()));
    let ok = bySource.get(src);
    if (ok === undefined) bySource.set(src, (ok = db.sources.some((s) => trustMatches(s, src))));
    return ok;
  }

  /**
   * Everything `src` may send to `dst`, as bits over this network's atoms, written into `out` (a new
   * bitset when not given): inbound at dst ∩ outbound at src, denies on either side taken out.
   */
  allowedBits(src: Host, dst: Host, out: Bits = new Uint32Array(this.atoms.words)): Bits {
    // Each side's row is the OR of the few bitsets it holds for the peer; they are applied to `out`
    // directly (a & ~(b | c) = a & ~b & ~c), so a pair copies one bitset and combines the others.
    const found = FOUND;
    const dstSet = dst.kind === 'database' ? null : this.setOf(dst);
    if (dstSet === null) {
      if (!this.admitted(src, dst)) return out.fill(0);
      out.set(this.atoms.full);
    } else if (dstSet.firewalls.length === 0) {
      out.set(this.atoms.full);
    } else {
      const n = rowOf(dstSet.side('inbound', 'allow'), src, this.blocks, found);
      if (n === 0) return out.fill(0);
      if (n < 0) out.set(this.atoms.full);
      else {
        out.set(found[0]!);
        for (let i = 1; i < n; i++) orInto(out, found[i]!);
        found.length = 0;
        if (isZero(out)) return out;
      }
    }
    const srcSet = this.setOf(src);
    const outbound = srcSet.firewalls.length > 0 ? srcSet.side('outbound', 'allow') : null;
    if (outbound && !(outbound.open && dst.addresses.length > 0)) {
      const n = rowOf(outbound, dst, this.blocks, found);
      if (n === 0) return out.fill(0);
      if (n === 1) andInto(out, found[0]!);
      else if (n > 1) {
        const row = this.scratch;
        row.set(found[0]!);
        for (let i = 1; i < n; i++) orInto(row, found[i]!);
        andInto(out, row);
      }
      found.length = 0;
      if (isZero(out)) return out;
    }
    if (this.denies) {
      if (dstSet !== null && !takeAway(dstSet.side('inbound', 'deny'), src, this.blocks, out)) return out.fill(0);
      if (!takeAway(srcSet.side('outbound', 'deny'), dst, this.blocks, out)) return out.fill(0);
    }
    return out;
  }

  /** Everything `src` may send to `dst`: inbound at dst ∩ outbound at src, denies removed. */
  allowed(src: Host, dst: Host): ServiceSet {
    const bits = this.allowedBits(src, dst, this.result);
    return isZero(bits) ? EMPTY : this.atoms.toServiceSet(bits);
  }

  /** What deny rules take away from `src` → `dst`, on either side, whatever the allows say. */
  denied(src: Host, dst: Host): ServiceSet {
    if (!this.denies) return EMPTY;
    const inbound = dst.kind === 'database' ? null : this.setOf(dst).side('inbound', 'deny');
    const outbound = this.setOf(src).side('outbound', 'deny');
    // Deny rules are few: most pairs have none on either side, and need no bitset at all.
    if ((inbound === null || inbound.empty) && outbound.empty) return EMPTY;
    const bits = this.result.fill(0);
    if (inbound) rowInto(inbound, src, this.blocks, bits, this.atoms.full);
    rowInto(outbound, dst, this.blocks, bits, this.atoms.full);
    return isZero(bits) ? EMPTY : this.atoms.toServiceSet(bits);
  }

  /** Whether any firewall holds a deny rule (analyses about guardrails can stop early when none does). */
  hasDenyRules(): boolean {
    return this.denies;
  }

  private explainSide(
    firewalls: readonly Firewall[],
    direction: 'inbound' | 'outbound',
    peer: Host,
    protocol: Rule['protocol'],
    port: number | null,
  ): SideExplanation | null {
    if (firewalls.length === 0) return null;
    return {
      firewalls: firewalls.map((f) => f.name),
      allowedBy: this.rulesHolding(firewalls, direction, 'allow', peer, protocol, port),
      deniedBy: this.rulesHolding(firewalls, direction, 'deny', peer, protocol, port),
    };
  }

  /** The rules of `action` on one side of `firewalls` that hold a flow with `peer` on `protocol` and `port` (any port: null). */
  rulesHolding(firewalls: readonly Firewall[], direction: 'inbound' | 'outbound', action: Rule['action'], peer: Host, protocol: Rule['protocol'], port: number | null): RuleAt[] {
    return firewalls.flatMap((fw) =>
      this.matching([fw], direction, action, peer)
        .filter((r) => r.protocol === protocol && (port === null || portsHold(r.ports, port)))
        .map((rule) => ({ firewall: fw.name, rule })),
    );
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
