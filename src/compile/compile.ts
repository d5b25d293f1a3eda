/**
 * The compiler: a checked Policy to DigitalOcean firewalls (one per declared tag, sharded when
 * DigitalOcean's limits demand) and database trusted-source lists, in canonical, byte-stable order.
 */
import { canonicalRules, sharing, type CompiledPolicy, type DatabaseTrust, type DropletSetTarget, type Firewall, firewallName, groupRules, MAX_DATABASE_SOURCES, MAX_RULES_PER_FIREWALL, openEgressRules, type Origin, type Peer, portsFrom, portsTo, type Rule, type TrustedSource } from '../model/index.js';
import type { Policy } from '../check/index.js';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import { grantEffects, type TaggedRule } from './grantRules.js';



/** Where a unit's firewall applies: to its tag, or to a droplet set's droplets. */
type Target = { readonly tags: readonly string[]; readonly dropletIds: readonly number[]; readonly set?: Omit<DropletSetTarget, 'shard' | 'shards'> };

const PROTOCOL_CODE = { tcp: 0, udp: 1, icmp: 2 } as const;
/** Direction, protocol, action and port interval as one number (a key without a string). */
function shapeCode(r: Pick<Rule, 'direction' | 'protocol' | 'ports' | 'action'>): number {
  const kind = ((r.direction === 'inbound' ? 0 : 1) * 3 + PROTOCOL_CODE[r.protocol]) * 2 + (r.action === 'allow' ? 0 : 1);
  return (kind * 65536 + portsFrom(r.ports)) * 65536 + portsTo(r.ports);
}

/** Splits a unit's canonical rules into firewalls of at most MAX_RULES_PER_FIREWALL grouped rules. */
function shard(policy: string, tag: string, rules: readonly Rule[], target: Target): Firewall[] {
  const grouped = groupRules(rules);
  const shardCount = Math.max(1, Math.ceil(grouped.length / MAX_RULES_PER_FIREWALL));
  const made = (name: string, rules: readonly Rule[], i: number): Firewall => ({
    name,
    tags: target.tags,
    dropletIds: target.dropletIds,
    rules,
    ...(target.set ? { set: { ...target.set, shard: i + 1, shards: shardCount } } : {}),
  });
  if (shardCount === 1) return [made(firewallName(policy, tag), rules, 0)];
  // Each rule goes to the shard of the grouped rule that holds it: its shape and its peer, which is the
  // very object the grouped rule lists (groupRules keeps the rules' peers), so no key string per rule.
  const shardOf = new Map<Peer, Map<number, number>>();
  grouped.forEach((g, i) => {
    const n = Math.floor(i / MAX_RULES_PER_FIREWALL);
    const code = shapeCode(g);
    for (const peer of g.peers) {
      let byShape = shardOf.get(peer);
      if (!byShape) shardOf.set(peer, (byShape = new Map()));
      byShape.set(code, n);
    }
  });
  const buckets: Rule[][] = Array.from({ length: shardCount }, () => []);
  for (const r of rules) buckets[shardOf.get(r.peer)?.get(shapeCode(r)) ?? 0]!.push(r);
  return buckets.map((bucket, i) => made(firewallName(policy, tag, i + 1), bucket, i));
}

function trustKey(s: TrustedSource): string {
  return s.type === 'unresolved' ? `~${s.resource}:${s.name}` : `${s.type}:${s.type === 'tag' ? s.value.toLowerCase() : s.value}`;
}

/** Compiles a policy that checked without errors. */
export function compile(policy: Policy): { value: CompiledPolicy; diagnostics: Diagnostic[] } {
  const { byUnit, trust } = rulesByUnit(policy);
  const firewalls = unitFirewalls(policy, byUnit);
  const databases = databaseTrusts(trust);
  return {
    value: { policy: policy.name, tags: policy.tags.map((t) => t.name), dropletSets: policy.dropletSets.map((s) => s.name), firewalls, databases },
    diagnostics: [...nameCollisions(policy, firewalls), ...tooManySources(policy, databases)],
  };
}

type Trust = Map<string, { sources: Map<string, TrustedSource>; origins: Origin[] }>;

/** Every statement's raw rules, by the unit (tag or droplet set) whose firewall holds them, and the databases' trusted sources. */
function rulesByUnit(policy: Policy): { byUnit: Map<string, Rule[]>; trust: Trust } {
  const units = [...policy.tags, ...policy.dropletSets];
  const byUnit = new Map<string, Rule[]>(units.map((t) => [t.name, []]));
  const trust: Trust = new Map();
  const add = (tagged: readonly TaggedRule[]) => {
    for (const { tag, rule } of tagged) byUnit.get(tag)?.push(rule);
  };
  for (const grant of [...policy.grants, ...policy.guardrails].sort((a, b) => a.index - b.index)) {
    const effects = grantEffects(policy, grant);
    add(effects.rules);
    for (const { database, source } of effects.trust) {
      let entry = trust.get(database);
      if (!entry) trust.set(database, (entry = { sources: new Map(), origins: [] }));
      entry.sources.set(trustKey(source), source);
      if (!entry.origins.some((o) => o.span.start === grant.statement.span.start)) {
        entry.origins.push({ file: policy.file.path, span: grant.statement.span, line: grant.line });
      }
    }
  }
  for (const tag of units) {
    if (policy.restrictedEgress.has(tag.name)) continue;
    const span = policy.egressSpans.get(tag.name) ?? tag.span;
    add(openEgressRules([{ file: policy.file.path, span, line: policy.file.position(span.start).line }]).map((rule) => ({ tag: tag.name, rule })));
  }
  return { byUnit, trust };
}

/** Each unit's firewalls (sharded), sorted by name. */
function unitFirewalls(policy: Policy, byUnit: ReadonlyMap<string, Rule[]>): Firewall[] {
  // Compiled rules live as long as the policy: they share their ports and single-origin lists.
  const share = sharing();
  const canonical = (raw: readonly Rule[]) => canonicalRules(raw, share);
  const firewalls: Firewall[] = [];
  for (const tag of policy.tags) firewalls.push(...shard(policy.name, tag.name, canonical(byUnit.get(tag.name) ?? []), { tags: [tag.name], dropletIds: [] }));
  for (const set of policy.dropletSets) {
    const target: Target = {
      tags: [],
      dropletIds: set.members.flatMap((m) => (m.id !== null ? [m.id] : [])).sort((a, b) => a - b),
      set: {
        policy: policy.name,
        name: set.name,
        origin: { file: policy.file.path, span: set.statementSpan, line: policy.file.position(set.statementSpan.start).line },
        unresolved: set.members.flatMap((m) => (m.name !== null ? [m.name] : [])),
        memberSpans: Object.fromEntries(set.members.map((m) => [m.id !== null ? `#${m.id}` : m.name, m.span])),
      },
    };
    firewalls.push(...shard(policy.name, set.name, canonical(byUnit.get(set.name) ?? []), target));
  }
  return firewalls.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A shard's name can meet another tag's firewall name (`web` sharded into `web-2` beside a tag `web-2`). */
function nameCollisions(policy: Policy, firewalls: readonly Firewall[]): Diagnostic[] {
  const units = [...policy.tags, ...policy.dropletSets];
  const diagnostics: Diagnostic[] = [];
  const seen = new Map<string, Firewall>();
  for (const fw of firewalls) {
    const clash = seen.get(fw.name.toLowerCase());
    if (clash) {
      const unitName = (f: Firewall) => f.set?.name ?? f.tags[0];
      const span = units.find((t) => t.name === unitName(fw))?.span;
      diagnostics.push(
        diagnostic('firewallNameCollision', {
          message: `the firewalls of \`${unitName(clash)}\` and \`${unitName(fw)}\` would both be named \`${fw.name}\``,
          file: policy.file,
          ...(span ? { span, label: 'rename this tag' } : {}),
          notes: ['a tag with more than 50 rules is split into firewalls named -2, -3, …'],
          help: ['rename one of the tags'],
        }),
      );
    }
    seen.set(fw.name.toLowerCase(), fw);
  }
  return diagnostics;
}

/** The databases' trusted sources, in a stable order. */
function databaseTrusts(trust: Trust): DatabaseTrust[] {
  return [...trust.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([database, entry]) => ({
      database,
      sources: [...entry.sources.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s),
      origins: entry.origins,
    }));
}

function tooManySources(policy: Policy, databases: readonly DatabaseTrust[]): Diagnostic[] {
  return databases
    .filter((db) => db.sources.length > MAX_DATABASE_SOURCES)
    .map((db) =>
      diagnostic('databaseSource', {
        message: `database \`${db.database}\` would have ${db.sources.length} trusted sources; DigitalOcean allows ${MAX_DATABASE_SOURCES}`,
        file: policy.file,
        span: db.origins[0]!.span,
        label: 'one of the statements',
        help: ['trust tags rather than single addresses or droplets'],
      }),
    );
}
