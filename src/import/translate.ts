/**
 * The meaning of the imported firewalls, as the statements of a policy: which tags and droplet sets it
 * governs, whose egress is restricted, and the grants and guardrails, grouped as a person would write
 * them. Names are given later (names.ts); here endpoints are what DigitalOcean's rules name.
 *
 * The translation keeps DigitalOcean's arithmetic: the allows of every firewall on a droplet add up, and
 * a deny in any of them wins. So each imported firewall's rules go to the firewall of every tag and
 * droplet set it applies to, and a droplet under several gets the sum, as before. A tag or set whose
 * outbound rules let everything out keeps open egress (fwc's default, the same six rules); any other is
 * restricted to exactly its outbound rules. Whether the result is exact is not assumed: prove.ts checks
 * it on the reachability engine before anything is written.
 */
import { match } from 'ts-pattern';
import { covers, EMPTY, equals, intersect, Network, type ServiceSet, single, union } from '../analysis/index.js';
import type { Cidr, Peer, Rule } from '../model/index.js';
import type { Account, LiveFirewall } from '../plan/index.js';
import { exactHosts } from './prove.js';

export type Service = { readonly protocol: 'tcp' | 'udp'; readonly from: number; readonly to: number } | { readonly protocol: 'icmp' };

/** An endpoint of a statement, as DigitalOcean names it. */
export type End =
  | { readonly kind: 'unit-tag'; readonly tag: string }
  | { readonly kind: 'unit-set'; readonly set: string }
  | { readonly kind: 'tag-ref'; readonly tag: string }
  | { readonly kind: 'address'; readonly cidr: Cidr }
  | { readonly kind: 'anyone' }
  | { readonly kind: 'droplet'; readonly id: number }
  | { readonly kind: 'load-balancer'; readonly id: string }
  | { readonly kind: 'cluster'; readonly id: string };

/** A droplet set: the droplets some imported firewalls apply to by id (one set per distinct list). */
export interface DraftSet {
  readonly key: string;
  readonly ids: readonly number[];
  readonly firewalls: readonly string[];
}

export interface DraftStatement {
  readonly effect: 'allow' | 'deny';
  readonly sources: readonly End[];
  readonly dests: readonly End[];
  readonly services: readonly Service[];
  /** The imported firewalls the statement comes from. */
  readonly origins: readonly string[];
}

export interface Draft {
  /** Governed tags, in DigitalOcean's spelling, with the firewalls that apply to each. */
  readonly tags: readonly { readonly tag: string; readonly firewalls: readonly string[] }[];
  readonly sets: readonly DraftSet[];
  /** Units (tag or set key) whose egress is restricted. */
  readonly restricted: readonly End[];
  readonly statements: readonly DraftStatement[];
  /** One-sided rules that let nothing through today, left out (firewall: rule). */
  readonly deadRules: readonly string[];
}

const lower = (s: string) => s.toLowerCase();

/**
 * Zero-padding in sort keys, so that they sort as numbers do: droplet ids (DigitalOcean's have far fewer
 * than 12 digits), a 128-bit network in hex, a prefix length up to 128, a port up to 65535.
 */
const KEY_WIDTH = { dropletId: 12, network: 128 / 4, prefix: 3, port: 5 } as const;

export function endKey(e: End): string {
  switch (e.kind) {
    case 'unit-tag':
      return `0:${lower(e.tag)}`;
    case 'unit-set':
      return `1:${e.set}`;
    case 'tag-ref':
      return `2:${lower(e.tag)}`;
    case 'droplet':
      return `3:${String(e.id).padStart(KEY_WIDTH.dropletId, '0')}`;
    case 'load-balancer':
      return `4:${e.id}`;
    case 'cluster':
      return `5:${e.id}`;
    case 'address':
      return `6:${e.cidr.family}:${e.cidr.network.toString(16).padStart(KEY_WIDTH.network, '0')}/${String(e.cidr.prefix).padStart(KEY_WIDTH.prefix, '0')}`;
    case 'anyone':
      return '7:anyone';
  }
}

export function serviceKey(s: Service): string {
  return s.protocol === 'icmp' ? 'icmp' : `${s.protocol}:${String(s.from).padStart(KEY_WIDTH.port, '0')}-${String(s.to).padStart(KEY_WIDTH.port, '0')}`;
}

function serviceOf(rule: Rule): Service {
  if (rule.protocol === 'icmp') return { protocol: 'icmp' };
  return rule.ports.kind === 'all' ? { protocol: rule.protocol, from: 1, to: 65535 } : { protocol: rule.protocol, from: rule.ports.from, to: rule.ports.to };
}

/** Whether outbound allow rules let everything out: all tcp, all udp and icmp to 0.0.0.0/0 and ::/0. */
function opensEverything(rules: readonly Rule[]): boolean {
  return (['tcp', 'udp', 'icmp'] as const).every((protocol) =>
    [4, 6].every((family) =>
      rules.some((r) => r.direction === 'outbound' && r.action === 'allow' && r.protocol === protocol && r.ports.kind === 'all' && r.peer.kind === 'address' && r.peer.cidr.family === family && r.peer.cidr.prefix === 0),
    ),
  );
}

interface Atom {
  readonly effect: 'allow' | 'deny';
  readonly src: End;
  readonly dst: End;
  readonly service: Service;
  readonly origin: string;
}

export function translate(firewalls: readonly LiveFirewall[], account?: Account): Draft {
  const units = new Units(firewalls);
  const open = openEgress(firewalls, units);
  const atoms = atomsOf(firewalls, units, open);

  // A grant between two governed tags (or sets) compiles to both sides: the destination's inbound and,
  // with restricted egress, the source's outbound. Where today only one side holds the rule, the other
  // side's firewalls decide whether anything passes: when nothing does, the rule is dead today and is
  // left out (writing it would open the other side); when everything does, the grant adds nothing.
  const left: string[] = [];
  const kept = account ? dropDead(atoms, open, account, units.sets, left) : atoms;

  return {
    tags: [...units.tagSpelling.entries()].map(([k, tag]) => ({ tag, firewalls: units.tagFirewalls.get(k)! })),
    sets: [...units.sets.entries()].map(([key, s]) => ({ key, ids: s.ids, firewalls: s.firewalls })),
    restricted: units.all().filter((u) => !open.has(endKey(u))),
    statements: group(withAnyoneAtoms(kept), units.sets),
    deadRules: left,
  };
}

/** The units an import governs: every tag an imported firewall applies to, and every distinct list of droplet ids. */
class Units {
  /** Lower case → the spelling of the first firewall that names the tag. */
  readonly tagSpelling = new Map<string, string>();
  /** Lower case → the firewalls that apply to the tag. */
  readonly tagFirewalls = new Map<string, string[]>();
  /** Droplet ids, sorted and joined → the set, with the firewalls that apply to exactly those. */
  readonly sets = new Map<string, { ids: number[]; firewalls: string[] }>();
  private readonly unitsOf = new Map<LiveFirewall, End[]>();

  constructor(firewalls: readonly LiveFirewall[]) {
    for (const fw of firewalls) this.unitsOf.set(fw, this.add(fw));
  }

  /** The units a firewall applies to. */
  of(fw: LiveFirewall): readonly End[] {
    return this.unitsOf.get(fw)!;
  }

  /** Every unit: the tags, then the sets. */
  all(): End[] {
    return [...[...this.tagSpelling.values()].map((tag) => ({ kind: 'unit-tag', tag }) as const), ...[...this.sets.keys()].map((set) => ({ kind: 'unit-set', set }) as const)];
  }

  /** A rule's peer as a statement's endpoint: a governed tag is its unit; an unresolved peer has none. */
  endOf(peer: Peer): End | null {
    return match(peer)
      .returnType<End | null>()
      .with({ kind: 'tag' }, (p) => (this.tagSpelling.has(lower(p.name)) ? { kind: 'unit-tag', tag: this.tagSpelling.get(lower(p.name))! } : { kind: 'tag-ref', tag: p.name }))
      .with({ kind: 'address' }, (p) => ({ kind: 'address', cidr: p.cidr }))
      .with({ kind: 'droplet' }, (p) => ({ kind: 'droplet', id: p.id }))
      .with({ kind: 'load-balancer' }, (p) => ({ kind: 'load-balancer', id: p.id }))
      .with({ kind: 'kubernetes' }, (p) => ({ kind: 'cluster', id: p.id }))
      .with({ kind: 'unresolved' }, () => null)
      .exhaustive();
  }

  private add(fw: LiveFirewall): End[] {
    const units: End[] = [];
    for (const t of fw.tags) {
      if (!this.tagSpelling.has(lower(t))) this.tagSpelling.set(lower(t), t);
      const list = this.tagFirewalls.get(lower(t)) ?? [];
      if (!list.includes(fw.name)) list.push(fw.name);
      this.tagFirewalls.set(lower(t), list);
      units.push({ kind: 'unit-tag', tag: this.tagSpelling.get(lower(t))! });
    }
    if (fw.dropletIds.length > 0) {
      const ids = [...new Set(fw.dropletIds)].sort((a, b) => a - b);
      const key = ids.join(',');
      const set = this.sets.get(key) ?? { ids, firewalls: [] };
      set.firewalls.push(fw.name);
      this.sets.set(key, set);
      units.push({ kind: 'unit-set', set: key });
    }
    return units;
  }
}

/** The units (by endKey) whose egress stays open: the outbound allows of every firewall on them together let everything out. */
function openEgress(firewalls: readonly LiveFirewall[], units: Units): Set<string> {
  const rulesOfUnit = new Map<string, Rule[]>();
  for (const fw of firewalls) for (const u of units.of(fw)) rulesOfUnit.set(endKey(u), [...(rulesOfUnit.get(endKey(u)) ?? []), ...fw.firewall.rules]);
  return new Set([...rulesOfUnit].filter(([, rules]) => opensEverything(rules)).map(([k]) => k));
}

/** Every rule as one atom per unit of its firewall; the outbound allows of a unit with open egress say nothing more. */
function atomsOf(firewalls: readonly LiveFirewall[], units: Units, open: ReadonlySet<string>): Atom[] {
  const atoms: Atom[] = [];
  for (const fw of firewalls) {
    for (const rule of fw.firewall.rules) {
      const peer = units.endOf(rule.peer);
      if (!peer) continue;
      const service = serviceOf(rule);
      for (const unit of units.of(fw)) {
        if (rule.direction === 'inbound') atoms.push({ effect: rule.action, src: peer, dst: unit, service, origin: fw.name });
        else if (rule.action === 'deny' || !open.has(endKey(unit))) atoms.push({ effect: rule.action, src: unit, dst: peer, service, origin: fw.name });
      }
    }
  }
  return atoms;
}

/**
 * Grants grouped as a person writes them: the services one source has to one destination; then the
 * sources that have the same services to a destination; then the destinations that the same sources
 * reach on the same services. `0.0.0.0/0` with `::/0` reads `anyone`.
 */
function group(atoms: readonly Atom[], sets: ReadonlyMap<string, { ids: number[] }>): DraftStatement[] {
  type Pair = { effect: 'allow' | 'deny'; src: End; dst: End; services: Map<string, Service>; origins: Set<string> };
  const pairs = new Map<string, Pair>();
  for (const a of atoms) {
    const key = `${a.effect}|${endKey(a.src)}|${endKey(a.dst)}`;
    const p = pairs.get(key) ?? { effect: a.effect, src: a.src, dst: a.dst, services: new Map(), origins: new Set() };
    p.services.set(serviceKey(a.service), a.service);
    p.origins.add(a.origin);
    pairs.set(key, p);
  }
  const servicesKey = (m: Map<string, Service>) => [...m.keys()].sort().join(',');
  type ByDest = { effect: 'allow' | 'deny'; dst: End; services: Map<string, Service>; sources: End[]; origins: Set<string> };
  const byDest = new Map<string, ByDest>();
  for (const p of pairs.values()) {
    const key = `${p.effect}|${endKey(p.dst)}|${servicesKey(p.services)}`;
    const g = byDest.get(key) ?? { effect: p.effect, dst: p.dst, services: p.services, sources: [], origins: new Set() };
    g.sources.push(p.src);
    for (const o of p.origins) g.origins.add(o);
    byDest.set(key, g);
  }
  type BySource = { effect: 'allow' | 'deny'; sources: End[]; services: Map<string, Service>; dests: End[]; origins: Set<string> };
  const bySource = new Map<string, BySource>();
  for (const g of byDest.values()) {
    const sources = withAnyone(g.sources);
    const key = `${g.effect}|${sources.map(endKey).join(',')}|${servicesKey(g.services)}`;
    const h = bySource.get(key) ?? { effect: g.effect, sources, services: g.services, dests: [], origins: new Set() };
    h.dests.push(g.dst);
    for (const o of g.origins) h.origins.add(o);
    bySource.set(key, h);
  }
  const out: DraftStatement[] = [...bySource.values()].map((h) => ({
    effect: h.effect,
    sources: withoutSetMembers(h.sources, sets),
    dests: withoutSetMembers(withAnyone(h.dests), sets),
    services: [...h.services.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, s]) => s),
    origins: [...h.origins].sort(),
  }));
  // Allows before denies; then by the first firewall, then by destination and source.
  return out.sort(
    (a, b) =>
      (a.effect === b.effect ? 0 : a.effect === 'allow' ? -1 : 1) ||
      cmp(a.origins.join(','), b.origins.join(',')) ||
      cmp(a.dests.map(endKey).join(','), b.dests.map(endKey).join(',')) ||
      cmp(a.sources.map(endKey).join(','), b.sources.map(endKey).join(',')),
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Endpoints sorted, with `0.0.0.0/0` and `::/0` together as `anyone`. */
function withAnyone(ends: readonly End[]): End[] {
  const all4 = ends.some((e) => e.kind === 'address' && e.cidr.family === 4 && e.cidr.prefix === 0);
  const all6 = ends.some((e) => e.kind === 'address' && e.cidr.family === 6 && e.cidr.prefix === 0);
  // With `anyone`, every address is covered: the compiler would drop the others from the rule anyway.
  const kept = all4 && all6 ? ends.filter((e) => e.kind !== 'address') : [...ends];
  if (all4 && all6) kept.push({ kind: 'anyone' });
  return kept.sort((a, b) => cmp(endKey(a), endKey(b)));
}

/**
 * A droplet set in a list already stands for its droplets (it compiles to their ids): the same droplets
 * named one by one beside it say nothing more. (Not the other way round: a set is governed, and putting
 * one where droplets were would add rules on its own firewall.)
 */
function withoutSetMembers(ends: readonly End[], sets: ReadonlyMap<string, { ids: number[] }>): End[] {
  const covered = new Set(ends.flatMap((e) => (e.kind === 'unit-set' ? (sets.get(e.set)?.ids ?? []) : [])));
  return ends.filter((e) => !(e.kind === 'droplet' && covered.has(e.id)));
}

/** The atoms, without the allows between governed units that pass nothing today. */
function dropDead(
  atoms: readonly Atom[],
  open: ReadonlySet<string>,
  account: Account,
  sets: ReadonlyMap<string, { ids: number[] }>,
  dead: string[],
): Atom[] {
  const isUnit = (e: End) => e.kind === 'unit-tag' || e.kind === 'unit-set';
  const live = account.firewalls.map((f) => ({ ...f.firewall, name: f.name, tags: f.tags, dropletIds: f.dropletIds }));
  const net = new Network(live, []);
  const hosts = exactHosts(account, []).filter((h) => h.kind === 'droplet');
  const members = (e: End) =>
    hosts.filter((h) => (e.kind === 'unit-tag' ? h.tags.some((t) => t.toLowerCase() === e.tag.toLowerCase()) : e.kind === 'unit-set' ? (sets.get(e.set)?.ids ?? []).includes(h.dropletId!) : false));
  const out: Atom[] = [];
  for (const a of atoms) {
    // Two-sided: both ends governed, and the source's egress restricted (else its outbound adds nothing).
    if (a.effect !== 'allow' || !isUnit(a.src) || !isUnit(a.dst) || open.has(endKey(a.src))) {
      out.push(a);
      continue;
    }
    const x = a.service.protocol === 'icmp' ? single('icmp') : single(a.service.protocol, a.service.from, a.service.to);
    // What passes for every pair, and for some: where they are the same, the grant says exactly that
    // (nothing: the rule is dead today; part of its ports: the others are).
    let every: ServiceSet | null = null;
    let some: ServiceSet = EMPTY;
    for (const s of members(a.src)) {
      for (const d of members(a.dst)) {
        if (s === d) continue;
        const passes = intersect(net.allowed(s, d), x);
        every = every === null ? passes : intersect(every, passes);
        some = union(some, passes);
      }
    }
    if (every === null || covers(every, x) || !equals(every, some)) {
      out.push(a);
      continue;
    }
    const svc = (v: Service) => (v.protocol === 'icmp' ? 'icmp' : `${v.protocol} ${v.from === v.to ? v.from : v.from === 1 && v.to === 65535 ? 'all' : `${v.from}-${v.to}`}`);
    const ends = `from ${a.src.kind === 'unit-tag' ? `tag ${a.src.tag}` : 'the droplets it applies to by id'} to ${a.dst.kind === 'unit-tag' ? `tag ${a.dst.tag}` : 'the droplets it applies to by id'}`;
    const kept: Service[] = a.service.protocol === 'icmp' ? [] : (a.service.protocol === 'tcp' ? every.tcp : every.udp).map((i) => ({ protocol: (a.service as { protocol: 'tcp' | 'udp' }).protocol, from: i.from, to: i.to }));
    dead.push(`${a.origin}: ${svc(a.service)} ${ends}${kept.length > 0 ? ` (but ${kept.map(svc).join(', ')}, which passes)` : ''}`);
    for (const k of kept) out.push({ ...a, service: k });
  }
  return out;
}

/**
 * `0.0.0.0/0` and `::/0` on the same service with the same other end read `anyone`, service by service,
 * so that `legacy may reach anyone on udp 53` is not split by family when only https is IPv4-only.
 */
function withAnyoneAtoms(atoms: readonly Atom[]): Atom[] {
  const everyAddress = (e: End, family: 4 | 6) => e.kind === 'address' && e.cidr.prefix === 0 && e.cidr.family === family;
  const key = (a: Atom, side: "src" | "dst") => `${a.origin}|${a.effect}|${side}|${endKey(side === "src" ? a.dst : a.src)}|${serviceKey(a.service)}`;
  const v6 = new Map<string, Atom[]>();
  for (const a of atoms) {
    if (everyAddress(a.src, 6)) v6.set(key(a, 'src'), [...(v6.get(key(a, 'src')) ?? []), a]);
    if (everyAddress(a.dst, 6)) v6.set(key(a, 'dst'), [...(v6.get(key(a, 'dst')) ?? []), a]);
  }
  const used = new Set<Atom>();
  const out: Atom[] = [];
  for (const a of atoms) {
    const side = everyAddress(a.src, 4) ? 'src' : everyAddress(a.dst, 4) ? 'dst' : null;
    if (side) {
      const twin = v6.get(key(a, side))?.find((b) => !used.has(b));
      if (twin) {
        used.add(twin);
        out.push(side === 'src' ? { ...a, src: { kind: 'anyone' } } : { ...a, dst: { kind: 'anyone' } });
        continue;
      }
    }
    out.push(a);
  }
  return out.filter((a) => !used.has(a));
}
