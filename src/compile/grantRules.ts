/**
 * What one statement asks of DigitalOcean: the atomic rules it puts on each tag's firewall, and the
 * trusted sources it adds to each database (LANGUAGE.md, "Compilation").
 *
 * - A grant `S may reach D on P` puts, for every tag destination, an inbound allow from every source;
 *   and, for every tag source whose egress is restricted, an outbound allow to every destination.
 * - A guardrail `S must not reach D on P` puts an inbound deny on every tag destination's firewall, and
 *   for destinations that are not tags (addresses, `anyone`) an outbound deny on every tag source's.
 * - A grant to `database "NAME"` adds every source to that database's trusted sources.
 */
import { type Grant, type Policy, type ResolvedEndpoint, type ServiceAtom, unitOf } from '../check/index.js';
import { ALL_PORTS, type Origin, type Peer, portRange, type Rule, type TrustedSource } from '../model/index.js';

/** A rule on a tag's (or droplet set's) firewall, before merging. */
export interface TaggedRule {
  /** The declared spelling of the tag or droplet set whose firewall holds the rule. */
  readonly tag: string;
  readonly rule: Rule;
}

export interface GrantEffects {
  readonly rules: readonly TaggedRule[];
  readonly trust: readonly { readonly database: string; readonly source: TrustedSource }[];
}

// One peer object per endpoint, shared by every rule made from it (their keys are then computed once).
const peerCache = new WeakMap<ResolvedEndpoint, Peer[]>();

/** The peers an endpoint stands for in a DigitalOcean rule. */
export function peersOf(e: ResolvedEndpoint): Peer[] {
  let peers = peerCache.get(e);
  if (!peers) peerCache.set(e, (peers = computePeers(e)));
  return peers;
}

function computePeers(e: ResolvedEndpoint): Peer[] {
  switch (e.kind) {
    case 'tag':
      return [{ kind: 'tag', name: e.tag }];
    case 'address':
      return [{ kind: 'address', cidr: e.cidr }];
    case 'anyone':
      return e.cidrs.map((cidr) => ({ kind: 'address', cidr }));
    case 'load-balancer':
      return [{ kind: 'unresolved', resource: 'load-balancer', name: e.name }];
    case 'cluster':
      return [{ kind: 'unresolved', resource: 'cluster', name: e.name }];
    case 'droplet':
      return e.id !== null ? [{ kind: 'droplet', id: e.id }] : [{ kind: 'unresolved', resource: 'droplet', name: e.name ?? '' }];
    case 'database':
      return [];
    case 'set':
      return e.members.map((m) => (m.id !== null ? { kind: 'droplet', id: m.id } : { kind: 'unresolved', resource: 'droplet', name: m.name ?? '' }));
    case 'tag-ref':
      return [{ kind: 'tag', name: e.tag }];
    case 'vpc':
      return [{ kind: 'unresolved', resource: 'vpc', name: e.name }];
  }
}

/** The trusted-source entries an endpoint stands for on a managed database (IPv4 only). */
export function trustedSourcesOf(e: ResolvedEndpoint): TrustedSource[] {
  switch (e.kind) {
    case 'tag':
      return [{ type: 'tag', value: e.tag }];
    case 'address':
      return e.cidr.family === 4 ? [{ type: 'ip_addr', value: e.cidr.text }] : [];
    case 'anyone':
      return e.cidrs.filter((c) => c.family === 4).map((c) => ({ type: 'ip_addr', value: c.text }));
    case 'droplet':
      return e.id !== null ? [{ type: 'droplet', value: String(e.id) }] : [{ type: 'unresolved', resource: 'droplet', name: e.name ?? '' }];
    case 'cluster':
      return [{ type: 'unresolved', resource: 'cluster', name: e.name }];
    case 'set':
      return e.members.map((m) => (m.id !== null ? { type: 'droplet', value: String(m.id) } : { type: 'unresolved', resource: 'droplet', name: m.name ?? '' }));
    case 'tag-ref':
      return [{ type: 'tag', value: e.tag }];
    case 'vpc':
      return [{ type: 'unresolved', resource: 'vpc', name: e.name }];
    case 'load-balancer':
    case 'database':
      return [];
  }
}

function protocolRules(atom: ServiceAtom): Pick<Rule, 'protocol' | 'ports'> {
  return atom.protocol === 'icmp' ? { protocol: 'icmp', ports: ALL_PORTS } : { protocol: atom.protocol, ports: portRange(atom.from, atom.to) };
}

export function originOf(policy: Policy, grant: Grant): Origin {
  return { file: policy.file.path, span: grant.statement.span, line: grant.line };
}

// The compiler and the lints both need each statement's effects; work them out once per statement.
const effectsCache = new WeakMap<Grant, GrantEffects>();

/** Everything one grant or guardrail compiles to. Expired statements compile to nothing. */
export function grantEffects(policy: Policy, grant: Grant): GrantEffects {
  let effects = effectsCache.get(grant);
  if (!effects) effectsCache.set(grant, (effects = computeEffects(policy, grant)));
  return effects;
}

/**
 * Forgets the effects worked out for a policy's statements: they are as large as the raw rules of the
 * whole policy, and once it is compiled and linted nothing needs them (a large build halves its memory).
 */
export function releaseEffects(policy: Policy): void {
  for (const g of [...policy.grants, ...policy.guardrails]) effectsCache.delete(g);
}

function computeEffects(policy: Policy, grant: Grant): GrantEffects {
  if (grant.expired) return { rules: [], trust: [] };
  const origins = [originOf(policy, grant)];
  const rules: TaggedRule[] = [];
  const trust: { database: string; source: TrustedSource }[] = [];
  const action = grant.effect;
  // A rule depends only on its direction, service and peer, not on the firewall that holds it: one
  // object per (peer, service) serves every tag it lands on (a 50,000-statement policy makes millions).
  const shapes = grant.services.map(protocolRules);
  const inbound = new Map<ResolvedEndpoint, Rule[][]>();
  const outbound = new Map<ResolvedEndpoint, Rule[][]>();
  const rulesOf = (cache: Map<ResolvedEndpoint, Rule[][]>, direction: Rule['direction'], e: ResolvedEndpoint): Rule[][] => {
    let byShape = cache.get(e);
    if (!byShape) cache.set(e, (byShape = shapes.map((shape) => peersOf(e).map((peer) => ({ direction, ...shape, peer, action, origins })))));
    return byShape;
  };
  for (const d of grant.dests) {
    if (d.kind === 'database') {
      if (action === 'allow') for (const s of grant.sources) for (const source of trustedSourcesOf(s)) trust.push({ database: d.name, source });
      continue;
    }
    const dUnit = unitOf(d);
    for (const s of grant.sources) {
      const sUnit = unitOf(s);
      const outboundHere = sUnit !== null && (action === 'allow' ? policy.restrictedEgress.has(sUnit) : dUnit === null);
      for (let i = 0; i < shapes.length; i++) {
        if (dUnit !== null) for (const rule of rulesOf(inbound, 'inbound', s)[i]!) rules.push({ tag: dUnit, rule });
        if (outboundHere) for (const rule of rulesOf(outbound, 'outbound', d)[i]!) rules.push({ tag: sUnit, rule });
      }
    }
  }
  return { rules, trust };
}
