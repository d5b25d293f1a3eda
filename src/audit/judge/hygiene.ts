/**
 * Firewalls that do nothing or name what is gone: applying to no droplet (FW809), rules naming a tag no
 * droplet carries (FW810), droplets, load balancers or clusters that no longer exist (FW811), and rules
 * fwc could not read (FW812).
 */
import { makeFinding, type Finding } from '../finding.js';
import type { AuditModel } from '../model.js';

type Gone = 'droplet' | 'load-balancer' | 'cluster';

/** What exists in the account, to judge each firewall against. */
interface Existing {
  /** Every tag some droplet carries, lower case. */
  readonly carried: ReadonlySet<string>;
  readonly dropletIds: ReadonlySet<number>;
  readonly lbIds: ReadonlySet<string>;
  readonly clusterIds: ReadonlySet<string>;
}

type AuditFirewall = AuditModel['account']['firewalls'][number];

export function judgeHygiene(model: AuditModel): Finding[] {
  const account = model.account;
  const existing: Existing = {
    carried: new Set(account.droplets.flatMap((d) => d.tags.map((t) => t.toLowerCase()))),
    dropletIds: new Set(account.droplets.map((d) => d.id)),
    lbIds: new Set(account.loadBalancers.map((l) => l.id)),
    clusterIds: new Set(account.clusters.map((c) => c.id)),
  };
  return account.firewalls.flatMap((fw) => [
    ...appliesToNothing(fw, existing),
    ...missingResources(fw, existing),
    ...unknownTags(fw, existing),
    ...unreadableRules(fw),
  ]);
}

const refOf = (fw: AuditFirewall) => ({ kind: 'firewall' as const, name: fw.name, id: fw.id });

/** FW809: no existing droplet is or carries what the firewall names. */
function appliesToNothing(fw: AuditFirewall, existing: Existing): Finding[] {
  const appliesTo = fw.tags.some((t) => existing.carried.has(t.toLowerCase())) || fw.dropletIds.some((id) => existing.dropletIds.has(id));
  if (appliesTo) return [];
  const names = [...fw.tags.map((t) => `tag ${t}`), ...fw.dropletIds.map((id) => `droplet ${id}`)];
  return [
    makeFinding('firewallAppliesToNothing', fw.name, {
      message: `firewall ${fw.name} applies to no droplet${names.length > 0 ? ` (it names ${names.join(', ')}, which no existing droplet is or carries)` : ' (it names no tag and no droplet)'}`,
      resources: [refOf(fw)],
      traffic: [],
      causes: [],
    }),
  ];
}

/** FW811: droplets, load balancers and clusters the firewall names (applies to, or its rules name) that are gone; one finding each. */
function missingResources(fw: AuditFirewall, existing: Existing): Finding[] {
  const missing = new Map<string, { kind: Gone; id: string; where: string[] }>();
  const gone = (kind: Gone, id: string, where: string) => {
    const key = `${kind}:${id}`;
    const m = missing.get(key) ?? { kind, id, where: [] };
    if (!m.where.includes(where)) m.where.push(where);
    missing.set(key, m);
  };
  for (const id of fw.dropletIds) if (!existing.dropletIds.has(id)) gone('droplet', String(id), 'applies to it');
  for (const r of fw.firewall.rules) {
    const where = `${r.direction} rule`;
    const p = r.peer;
    if (p.kind === 'droplet' && !existing.dropletIds.has(p.id)) gone('droplet', String(p.id), where);
    if (p.kind === 'load-balancer' && !existing.lbIds.has(p.id)) gone('load-balancer', p.id, where);
    if (p.kind === 'kubernetes' && !existing.clusterIds.has(p.id)) gone('cluster', p.id, where);
  }
  return [...missing.values()]
    .sort((a, b) => (`${a.kind}:${a.id}` < `${b.kind}:${b.id}` ? -1 : 1))
    .map((m) =>
      makeFinding('missingResource', fw.name, {
        detail: `${m.kind}:${m.id}`,
        message: `firewall ${fw.name} names ${m.kind} ${m.id}, which no longer exists (${m.where.join(', ')})`,
        resources: [refOf(fw), { kind: m.kind, name: m.id, id: m.id }],
        traffic: [],
        causes: [],
      }),
    );
}

/** FW810: rules naming a tag no droplet carries, one finding per tag. */
function unknownTags(fw: AuditFirewall, existing: Existing): Finding[] {
  const unknown = new Map<string, string[]>();
  for (const r of fw.firewall.rules) {
    const p = r.peer;
    if (p.kind === 'tag' && !existing.carried.has(p.name.toLowerCase())) {
      const list = unknown.get(p.name) ?? [];
      list.push(r.direction);
      unknown.set(p.name, list);
    }
  }
  return [...unknown]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([tag, dirs]) =>
      makeFinding('unknownTagInRule', fw.name, {
        detail: tag.toLowerCase(),
        message: `firewall ${fw.name} has ${[...new Set(dirs)].join(' and ')} rules naming tag ${tag}, which no droplet carries`,
        resources: [refOf(fw), { kind: 'tag', name: tag }],
        traffic: [],
        causes: [],
      }),
    );
}

/** FW812: rules fwc could not read, numbered from 1 in the firewall. */
function unreadableRules(fw: AuditFirewall): Finding[] {
  return fw.problems.map((problem, i) =>
    makeFinding('unreadableRule', fw.name, {
      detail: String(i + 1),
      message: `firewall ${fw.name}: ${problem}; what that rule allows is not audited`,
      resources: [refOf(fw)],
      traffic: [],
      causes: [],
    }),
  );
}
