/**
 * With --policy: what the account does that the policy does not say. Drift (FW820): managed firewalls
 * and database trust lists that differ from the compiled policy. Grants past their `until` date whose
 * traffic the account still lets through, and no current grant would (FW821). `must not` flows that
 * the account lets through (FW822), with the firewalls that open them. Findings carry the statement's
 * file, line and column, so code scanning annotates the policy.
 */
import { type Origin, ownsFirewall, parseAddress, ruleText } from '../../model/index.js';
import { fromParts, type Host, intersect, isEmpty, Network, Representatives, type ServiceSet, subtract } from '../../analysis/index.js';
import type { Grant, Policy, ResolvedEndpoint } from '../../check/index.js';
import type { BuiltPolicy } from '../../pipeline/index.js';
import { accountHosts, databaseAccess, planChanges, type ResolvedDesired } from '../../plan/index.js';
import type { SourceFile, Span } from '../../source/index.js';
import { makeFinding, type Cause, type Finding, type SourceLocation, type Traffic } from '../finding.js';
import { uniqueCauses, type AuditModel } from '../model.js';
import { intervalsText } from './exposure.js';

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
  const findings: Finding[] = [];
  const files = new Map(built.map((b) => [b.policy.file.path, b.policy.file]));
  const account = model.account;
  const changes = planChanges(desired, account, built.map((b) => b.policy.name));
  const at = (origins: readonly Origin[]): SourceLocation | undefined => {
    const o = origins[0];
    const file = o ? files.get(o.file) : undefined;
    return o && file ? locate(file, o.span) : undefined;
  };
  const ownerOf = (name: string, tags: readonly string[]): Policy | undefined => built.find((b) => ownsFirewall(b.policy.name, name, tags))?.policy;
  const policyStart = (p: Policy | undefined): SourceLocation | undefined => (p ? locate(p.file, p.nameSpan ?? { start: 0, end: 0 }) : undefined);

  // FW820: drift.
  for (const change of changes.firewalls) {
    const ref = { kind: 'firewall' as const, name: change.name, ...(change.action !== 'create' ? { id: change.id } : {}) };
    if (change.action === 'create') {
      const location = at(change.desired.rules.flatMap((r) => r.origins)) ?? policyStart(ownerOf(change.name, change.desired.tags));
      findings.push(
        makeFinding('policyDrift', change.name, {
          message: `firewall ${change.name} that the policy compiles to is missing from the account (${change.desired.rules.length} rules not in force)`,
          resources: [ref],
          traffic: [],
          causes: [],
          ...(location ? { location } : {}),
        }),
      );
    } else if (change.action === 'update') {
      const location = at([...change.addRules, ...change.desired.rules].flatMap((r) => r.origins));
      const parts = [
        change.addRules.length > 0 ? `${change.addRules.length} rules missing` : '',
        change.removeRules.length > 0 ? `${change.removeRules.length} rules the policy does not have` : '',
        change.addTags.length + change.removeTags.length > 0 ? 'different tags' : '',
        change.addDroplets.length + change.removeDroplets.length > 0 ? 'different droplets' : '',
      ].filter(Boolean);
      findings.push(
        makeFinding('policyDrift', change.name, {
          message: `firewall ${change.name} differs from the policy: ${parts.join(', ')}`,
          resources: [ref],
          traffic: [],
          causes: change.removeRules.map((r) => ({ firewall: change.name, firewallId: change.id, rule: ruleText(r), managed: true })),
          ...(location ? { location } : {}),
        }),
      );
    } else {
      const location = policyStart(ownerOf(change.name, change.live.tags));
      findings.push(
        makeFinding('policyDrift', change.name, {
          message: `firewall ${change.name} is named as the policy's but the policy no longer compiles to it`,
          resources: [ref],
          traffic: [],
          causes: change.live.firewall.rules.map((r) => ({ firewall: change.name, firewallId: change.id, rule: ruleText(r), managed: true })),
          ...(location ? { location } : {}),
        }),
      );
    }
  }
  for (const db of changes.databases) {
    const origins = desired.databases.find((d) => d.id === db.id)?.origins ?? [];
    const location = at(origins);
    findings.push(
      makeFinding('policyDrift', `database:${db.name}`, {
        message: `the trusted sources of database ${db.name} differ from the policy: ${db.add.length} missing, ${db.remove.length} not in the policy`,
        resources: [{ kind: 'database', name: db.name, id: db.id }],
        traffic: [],
        causes: [],
        ...(location ? { location } : {}),
      }),
    );
  }

  // Hosts that stand for a statement's endpoints, in the account.
  const policies = built.map((b) => b.policy);
  const hosts = accountHosts(account, [...account.firewalls.map((f) => f.firewall), ...desired.firewalls], policies, account.databases.map((d) => d.name));
  const reps = new Representatives(policies.flatMap((p) => p.namedAddresses));
  const endpointHosts = (e: ResolvedEndpoint): Host[] => {
    switch (e.kind) {
      case 'tag':
        return model.classes.filter((c) => c.tags.some((t) => t.toLowerCase() === e.tag.toLowerCase())).map((c) => c.host);
      case 'address':
        return reps.block(e.cidr, e.via);
      case 'anyone':
        return reps.anyone();
      case 'load-balancer':
        return hosts.filter((h) => h.kind === 'load-balancer' && h.loadBalancerName === e.name);
      case 'cluster':
        return hosts.filter((h) => h.kind === 'cluster' && h.clusterName === e.name);
      case 'database':
        return hosts.filter((h) => h.kind === 'database' && h.databaseName === e.name);
      case 'droplet': {
        const d = account.droplets.find((x) => (e.id !== null ? x.id === e.id : x.name === e.name));
        return d ? model.classes.filter((c) => c.dropletIds.includes(d.id)).map((c) => c.host) : [];
      }
      case 'tag-ref':
        return model.classes.filter((c) => c.tags.some((t) => t.toLowerCase() === e.tag.toLowerCase())).map((c) => c.host);
      case 'set': {
        const ids = new Set(e.members.flatMap((m) => account.droplets.filter((x) => (m.id !== null ? x.id === m.id : x.name === m.name)).map((x) => x.id)));
        return model.classes.filter((c) => c.dropletIds.some((id) => ids.has(id))).map((c) => c.host);
      }
      case 'vpc': {
        const range = account.vpcs?.find((v) => v.name === e.name)?.ipRange;
        const parsed = range ? parseAddress(range) : null;
        return parsed?.ok ? reps.block(parsed.cidr) : [];
      }
    }
  };
  const live = model.network;
  const classLabel = new Map(model.classes.map((c) => [c.host.key, model.describe(c)]));
  const unmanaged = changes.unmanaged.map((f) => f.firewall);
  const wanted = new Network([...desired.firewalls, ...unmanaged], databaseAccess(account, desired).after);
  const servicesOf = (g: Grant): ServiceSet => (g.services.length === 0 ? { tcp: [{ from: 1, to: 65535 }], udp: [{ from: 1, to: 65535 }], icmp: true } : fromParts(g.services.map((s) => (s.protocol === 'icmp' ? { protocol: 'icmp' as const, from: 1, to: 65535 } : s))));
  const statementText = (p: Policy, g: Grant) => p.file.text.slice(g.statement.span.start, g.statement.span.end).replace(/\s+/g, ' ').trim();

  const flows = (g: Grant, extra: (s: Host, d: Host, open: ServiceSet) => ServiceSet) => {
    const services = servicesOf(g);
    const out: { src: Host; dst: Host; open: ServiceSet }[] = [];
    for (const se of g.sources) for (const src of endpointHosts(se)) for (const de of g.dests) for (const dst of endpointHosts(de)) {
      if (src.key === dst.key) continue;
      let open = intersect(live.allowed(src, dst), services);
      if (!isEmpty(open)) open = extra(src, dst, open);
      if (!isEmpty(open)) out.push({ src, dst, open });
    }
    return out;
  };
  const causesOf = (src: Host, dst: Host, open: ServiceSet): Cause[] => {
    const [protocol, port] = open.tcp[0] ? (['tcp', open.tcp[0].from] as const) : open.udp[0] ? (['udp', open.udp[0].from] as const) : (['icmp', null] as const);
    const e = live.explain(src, dst, protocol, port);
    return [...(e.inbound?.allowedBy ?? []), ...(e.outbound?.allowedBy ?? [])].map((r) => model.cause(r.firewall, r.rule));
  };
  const report = (rule: 'expiredGrantLive' | 'guardrailBroken', p: Policy, g: Grant, found: { src: Host; dst: Host; open: ServiceSet }[]) => {
    if (found.length === 0) return;
    const location = locate(p.file, g.statement.span);
    const label = (h: Host) => classLabel.get(h.key) ?? h.label.replace(/`/g, '');
    const traffic = found.flatMap((f) => setText(f.open).map((t) => ({ ...t, from: label(f.src), to: label(f.dst) })));
    const causes = uniqueCauses(found.flatMap((f) => causesOf(f.src, f.dst, f.open)));
    const text = statementText(p, g);
    const bare = found.some((f) => live.firewallsOf(f.dst).length === 0 || live.firewallsOf(f.src).length === 0);
    const opened =
      causes.length > 0
        ? `; opened by ${[...new Set([...causes].sort((a, b) => Number(a.managed !== false) - Number(b.managed !== false)).map((c) => `${c.firewall}${c.managed === false ? ' (not managed by fwc)' : ''}`))].join(', ')}`
        : bare
          ? '; a side has no firewall at all'
          : '';
    const message =
      rule === 'expiredGrantLive'
        ? `\`${text}\` expired on ${g.until} but the account still lets its traffic through${opened}`
        : `\`${text}\` is broken in the account: ${traffic.slice(0, 3).map((t) => `${t.protocol} ${t.ports} from ${t.from} to ${t.to}`).join('; ')}${traffic.length > 3 ? ` and ${traffic.length - 3} more` : ''} ${traffic.length === 1 ? 'is' : 'are'} open${opened}`;
    findings.push(
      // Keyed by the statement's text, not its line: an acceptance survives edits elsewhere in the file.
      makeFinding(rule, `${p.name}:${text}`, {
        message,
        resources: [{ kind: 'policy', name: p.name }, ...model.firewallRefs(live.firewalls.filter((f) => causes.some((c) => c.firewall === f.name)))],
        traffic,
        causes,
        location,
      }),
    );
  };
  for (const b of built) {
    const p = b.policy;
    // FW821: expired grants whose traffic is open, and would not be with the policy applied.
    for (const g of p.grants) {
      if (g.effect !== 'allow' || !g.expired) continue;
      report('expiredGrantLive', p, g, flows(g, (s, d, open) => subtract(open, wanted.allowed(s, d))));
    }
    // FW822: `must not` flows open in the account.
    for (const g of p.guardrails) report('guardrailBroken', p, g, flows(g, (_s, _d, open) => open));
  }
  return findings;
}

