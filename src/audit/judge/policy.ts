/**
 * With --policy: what the account does that the policy does not say. Drift (FW820): managed firewalls
 * and database trust lists that differ from the compiled policy. Grants past their `until` date whose
 * traffic the account still lets through, and no current grant would (FW821). `must not` flows that
 * the account lets through (FW822), with the firewalls that open them. Findings carry the statement's
 * file, line and column, so code scanning annotates the policy.
 */
import { match, P } from 'ts-pattern';
import { type Origin, ownsFirewall, parseAddress, type Rule, ruleText } from '../../model/index.js';
import { FULL, fromParts, type Host, intersect, isEmpty, Network, Representatives, type ServiceSet, subtract } from '../../analysis/index.js';
import type { Grant, Policy, ResolvedEndpoint } from '../../check/index.js';
import type { BuiltPolicy } from '../../pipeline/index.js';
import { accountHosts, databaseAccess, planChanges, type ResolvedDesired } from '../../plan/index.js';
import type { SourceFile, Span } from '../../source/index.js';
import { makeFinding, type Cause, type Finding, type SourceLocation, type Traffic } from '../finding.js';
import { uniqueCauses, type AuditModel } from '../model.js';
import { intervalsText } from './exposure.js';

/** How many open flows a FW822 message spells out before "and N more" (the finding's traffic has them all). */
const FLOWS_IN_MESSAGE = 3;

// plan/ exports planChanges but not the types of its answer.
type Changes = ReturnType<typeof planChanges>;
type FirewallChange = Changes['firewalls'][number];
type DatabaseChange = Changes['databases'][number];

/** One pair of hosts, and what the account lets from the first to the second of what a statement names. */
interface Flow {
  readonly src: Host;
  readonly dst: Host;
  readonly open: ServiceSet;
}

export function locate(file: SourceFile, span: Span): SourceLocation {
  const start = file.position(span.start);
  const end = file.position(Math.max(span.start, span.end));
  return { file: file.path, line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

/** The names of the firewalls the policies own, lower case. */
export function managedNames(model: AuditModel, built: readonly BuiltPolicy[]): Set<string> {
  return new Set(model.account.firewalls.filter((fw) => built.some((b) => ownsFirewall(b.policy.name, fw.name, fw.tags))).map((fw) => fw.name.toLowerCase()));
}

function setText(s: ServiceSet): Traffic[] {
  const out: Traffic[] = [];
  if (s.tcp.length > 0) out.push({ protocol: 'tcp', ports: intervalsText(s.tcp), from: '' });
  if (s.udp.length > 0) out.push({ protocol: 'udp', ports: intervalsText(s.udp), from: '' });
  if (s.icmp) out.push({ protocol: 'icmp', ports: 'all', from: '' });
  return out;
}

export function judgePolicy(model: AuditModel, built: readonly BuiltPolicy[], desired: ResolvedDesired): Finding[] {
  const changes = planChanges(desired, model.account, built.map((b) => b.policy.name));
  const findings = driftFindings(changes, desired, new PolicyPlaces(built));
  const flows = new StatementFlows(model, built, desired, changes);
  for (const { policy } of built) {
    // FW821: expired grants whose traffic is open, and would not be with the policy applied.
    for (const g of policy.grants) {
      if (g.effect !== 'allow' || !g.expired) continue;
      const found = flows.open(g, (s, d, open) => subtract(open, flows.wanted.allowed(s, d)));
      if (found.length > 0) findings.push(statementFinding('expiredGrantLive', policy, g, found, flows));
    }
    // FW822: `must not` flows open in the account.
    for (const g of policy.guardrails) {
      const found = flows.open(g, (_s, _d, open) => open);
      if (found.length > 0) findings.push(statementFinding('guardrailBroken', policy, g, found, flows));
    }
  }
  return findings;
}

/** Where a finding sits in the policy files: the statement of a rule's first origin, or the policy's name. */
class PolicyPlaces {
  private readonly files: ReadonlyMap<string, SourceFile>;

  constructor(private readonly built: readonly BuiltPolicy[]) {
    this.files = new Map(built.map((b) => [b.policy.file.path, b.policy.file]));
  }

  of(origins: readonly Origin[]): SourceLocation | undefined {
    const o = origins[0];
    const file = o ? this.files.get(o.file) : undefined;
    return o && file ? locate(file, o.span) : undefined;
  }

  /** The name of the policy that owns a firewall of this name and tags. */
  ownerStart(name: string, tags: readonly string[]): SourceLocation | undefined {
    const p = this.built.find((b) => ownsFirewall(b.policy.name, name, tags))?.policy;
    return p ? locate(p.file, p.nameSpan ?? { start: 0, end: 0 }) : undefined;
  }
}

/** FW820: every managed firewall and database whose rules differ from what the policy compiles to. */
function driftFindings(changes: Changes, desired: ResolvedDesired, places: PolicyPlaces): Finding[] {
  return [...changes.firewalls.map((c) => firewallDrift(c, places)), ...changes.databases.map((db) => databaseDrift(db, desired, places))];
}

function firewallDrift(change: FirewallChange, places: PolicyPlaces): Finding {
  return match(change)
    .with({ action: 'create' }, (c) =>
      driftFinding(
        c.name,
        undefined,
        `firewall ${c.name} that the policy compiles to is missing from the account (${c.desired.rules.length} rules not in force)`,
        [],
        places.of(c.desired.rules.flatMap((r) => r.origins)) ?? places.ownerStart(c.name, c.desired.tags),
      ),
    )
    .with({ action: 'update' }, (c) => {
      const parts = [
        c.addRules.length > 0 ? `${c.addRules.length} rules missing` : '',
        c.removeRules.length > 0 ? `${c.removeRules.length} rules the policy does not have` : '',
        c.addTags.length + c.removeTags.length > 0 ? 'different tags' : '',
        c.addDroplets.length + c.removeDroplets.length > 0 ? 'different droplets' : '',
      ].filter(Boolean);
      const location = places.of([...c.addRules, ...c.desired.rules].flatMap((r) => r.origins));
      return driftFinding(c.name, c.id, `firewall ${c.name} differs from the policy: ${parts.join(', ')}`, managedCauses(c.name, c.id, c.removeRules), location);
    })
    .with({ action: 'delete' }, (c) =>
      driftFinding(
        c.name,
        c.id,
        `firewall ${c.name} is named as the policy's but the policy no longer compiles to it`,
        managedCauses(c.name, c.id, c.live.firewall.rules),
        places.ownerStart(c.name, c.live.tags),
      ),
    )
    .exhaustive();
}

/** A FW820 finding on one firewall (`id` absent for one the account does not have). */
function driftFinding(name: string, id: string | undefined, message: string, causes: Cause[], location: SourceLocation | undefined): Finding {
  return makeFinding('policyDrift', name, {
    message,
    resources: [{ kind: 'firewall' as const, name, ...(id !== undefined ? { id } : {}) }],
    traffic: [],
    causes,
    ...(location ? { location } : {}),
  });
}

function managedCauses(firewall: string, firewallId: string, rules: readonly Rule[]): Cause[] {
  return rules.map((r) => ({ firewall, firewallId, rule: ruleText(r), managed: true }));
}

function databaseDrift(db: DatabaseChange, desired: ResolvedDesired, places: PolicyPlaces): Finding {
  const location = places.of(desired.databases.find((d) => d.id === db.id)?.origins ?? []);
  return makeFinding('policyDrift', `database:${db.name}`, {
    message: `the trusted sources of database ${db.name} differ from the policy: ${db.add.length} missing, ${db.remove.length} not in the policy`,
    resources: [{ kind: 'database', name: db.name, id: db.id }],
    traffic: [],
    causes: [],
    ...(location ? { location } : {}),
  });
}

/** The account as the policy's statements see it: their endpoints as hosts, the live network and the wanted one. */
class StatementFlows {
  readonly live: Network;
  /** The network with the policy applied: its firewalls, the unmanaged ones, and its database trust. */
  readonly wanted: Network;
  /** Hosts that stand for a statement's endpoints, in the account. */
  private readonly hosts: readonly Host[];
  private readonly reps: Representatives;
  private readonly classLabel: ReadonlyMap<string, string>;

  constructor(
    readonly model: AuditModel,
    built: readonly BuiltPolicy[],
    desired: ResolvedDesired,
    changes: Changes,
  ) {
    const account = model.account;
    const policies = built.map((b) => b.policy);
    this.hosts = accountHosts(account, [...account.firewalls.map((f) => f.firewall), ...desired.firewalls], policies, account.databases.map((d) => d.name));
    this.reps = new Representatives(policies.flatMap((p) => p.namedAddresses));
    this.live = model.network;
    this.classLabel = new Map(model.classes.map((c) => [c.host.key, model.describe(c)]));
    this.wanted = new Network([...desired.firewalls, ...changes.unmanaged.map((f) => f.firewall)], databaseAccess(account, desired).after);
  }

  /** Host pairs the live network opens some of the statement's services between, narrowed by `narrow`. */
  open(g: Grant, narrow: (src: Host, dst: Host, open: ServiceSet) => ServiceSet): Flow[] {
    const services = servicesOf(g);
    const out: Flow[] = [];
    for (const se of g.sources) for (const src of this.endpointHosts(se)) for (const de of g.dests) for (const dst of this.endpointHosts(de)) {
      if (src.key === dst.key) continue;
      let open = intersect(this.live.allowed(src, dst), services);
      if (!isEmpty(open)) open = narrow(src, dst, open);
      if (!isEmpty(open)) out.push({ src, dst, open });
    }
    return out;
  }

  /** The rules that let the flow's first open service through, on both sides. */
  causes(f: Flow): Cause[] {
    const [protocol, port] = f.open.tcp[0] ? (['tcp', f.open.tcp[0].from] as const) : f.open.udp[0] ? (['udp', f.open.udp[0].from] as const) : (['icmp', null] as const);
    const e = this.live.explain(f.src, f.dst, protocol, port);
    return [...(e.inbound?.allowedBy ?? []), ...(e.outbound?.allowedBy ?? [])].map((r) => this.model.cause(r.firewall, r.rule));
  }

  label(h: Host): string {
    return this.classLabel.get(h.key) ?? h.label.replace(/`/g, '');
  }

  private endpointHosts(e: ResolvedEndpoint): Host[] {
    const { model, reps, hosts } = this;
    const account = model.account;
    const tagged = (tag: string) => model.classes.filter((c) => c.tags.some((t) => t.toLowerCase() === tag.toLowerCase())).map((c) => c.host);
    return match(e)
      .with({ kind: P.union('tag', 'tag-ref') }, (x) => tagged(x.tag))
      .with({ kind: 'address' }, (x) => reps.block(x.cidr, x.via))
      .with({ kind: 'anyone' }, () => reps.anyone())
      .with({ kind: 'load-balancer' }, (x) => hosts.filter((h) => h.kind === 'load-balancer' && h.loadBalancerName === x.name))
      .with({ kind: 'cluster' }, (x) => hosts.filter((h) => h.kind === 'cluster' && h.clusterName === x.name))
      .with({ kind: 'database' }, (x) => hosts.filter((h) => h.kind === 'database' && h.databaseName === x.name))
      .with({ kind: 'droplet' }, (x) => {
        const d = account.droplets.find((y) => (x.id !== null ? y.id === x.id : y.name === x.name));
        return d ? model.classes.filter((c) => c.dropletIds.includes(d.id)).map((c) => c.host) : [];
      })
      .with({ kind: 'set' }, (x) => {
        const ids = new Set(x.members.flatMap((m) => account.droplets.filter((y) => (m.id !== null ? y.id === m.id : y.name === m.name)).map((y) => y.id)));
        return model.classes.filter((c) => c.dropletIds.some((id) => ids.has(id))).map((c) => c.host);
      })
      .with({ kind: 'vpc' }, (x) => {
        const range = account.vpcs?.find((v) => v.name === x.name)?.ipRange;
        const parsed = range ? parseAddress(range) : null;
        return parsed?.ok ? reps.block(parsed.cidr) : [];
      })
      .exhaustive();
  }
}

/** What a statement names: no service is every port of every protocol; icmp has no ports. */
function servicesOf(g: Grant): ServiceSet {
  return g.services.length === 0 ? FULL : fromParts(g.services.map((s) => (s.protocol === 'icmp' ? { protocol: 'icmp' as const, from: 1, to: 65535 } : s)));
}

function statementText(p: Policy, g: Grant): string {
  return p.file.text.slice(g.statement.span.start, g.statement.span.end).replace(/\s+/g, ' ').trim();
}

/** FW821 or FW822 on one statement, from the flows the account opens against it. */
function statementFinding(rule: 'expiredGrantLive' | 'guardrailBroken', p: Policy, g: Grant, found: readonly Flow[], flows: StatementFlows): Finding {
  const traffic = found.flatMap((f) => setText(f.open).map((t) => ({ ...t, from: flows.label(f.src), to: flows.label(f.dst) })));
  const causes = uniqueCauses(found.flatMap((f) => flows.causes(f)));
  const text = statementText(p, g);
  const bare = found.some((f) => flows.live.firewallsOf(f.dst).length === 0 || flows.live.firewallsOf(f.src).length === 0);
  const opened = openedBy(causes, bare);
  const message =
    rule === 'expiredGrantLive'
      ? `\`${text}\` expired on ${g.until} but the account still lets its traffic through${opened}`
      : `\`${text}\` is broken in the account: ${flowsText(traffic)} ${traffic.length === 1 ? 'is' : 'are'} open${opened}`;
  // Keyed by the statement's text, not its line: an acceptance survives edits elsewhere in the file.
  return makeFinding(rule, `${p.name}:${text}`, {
    message,
    resources: [{ kind: 'policy', name: p.name }, ...flows.model.firewallRefs(flows.live.firewalls.filter((f) => causes.some((c) => c.firewall === f.name)))],
    traffic,
    causes,
    location: locate(p.file, g.statement.span),
  });
}

/** `; opened by a, b (not managed by fwc)`: the firewalls fwc manages first, each once. */
function openedBy(causes: readonly Cause[], bare: boolean): string {
  if (causes.length > 0) {
    const managedFirst = [...causes].sort((a, b) => Number(a.managed !== false) - Number(b.managed !== false));
    return `; opened by ${[...new Set(managedFirst.map((c) => `${c.firewall}${c.managed === false ? ' (not managed by fwc)' : ''}`))].join(', ')}`;
  }
  return bare ? '; a side has no firewall at all' : '';
}

function flowsText(traffic: readonly Traffic[]): string {
  const listed = traffic.slice(0, FLOWS_IN_MESSAGE).map((t) => `${t.protocol} ${t.ports} from ${t.from} to ${t.to}`).join('; ');
  return `${listed}${traffic.length > FLOWS_IN_MESSAGE ? ` and ${traffic.length - FLOWS_IN_MESSAGE} more` : ''}`;
}
