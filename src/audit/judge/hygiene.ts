/**
 * Firewalls that do nothing or name what is gone: applying to no droplet (FW809), rules naming a tag no
 * droplet carries (FW810), droplets, load balancers or clusters that no longer exist (FW811), and rules
 * fwc could not read (FW812).
 */
import { makeFinding, type Finding } from '../finding.js';
import type { AuditModel } from '../model.js';

export function judgeHygiene(model: AuditModel): Finding[] {
  const findings: Finding[] = [];
  const account = model.account;
  const carried = new Set(account.droplets.flatMap((d) => d.tags.map((t) => t.toLowerCase())));
  const dropletIds = new Set(account.droplets.map((d) => d.id));
  const lbIds = new Set(account.loadBalancers.map((l) => l.id));
  const clusterIds = new Set(account.clusters.map((c) => c.id));
  for (const fw of account.firewalls) {
    const ref = { kind: 'firewall' as const, name: fw.name, id: fw.id };
    const appliesTo = fw.tags.some((t) => carried.has(t.toLowerCase())) || fw.dropletIds.some((id) => dropletIds.has(id));
    if (!appliesTo) {
      const names = [...fw.tags.map((t) => `tag ${t}`), ...fw.dropletIds.map((id) => `droplet ${id}`)];
      findings.push(
        makeFinding('firewallAppliesToNothing', fw.name, {
          message: `firewall ${fw.name} applies to no droplet${names.length > 0 ? ` (it names ${names.join(', ')}, which no existing droplet is or carries)` : ' (it names no tag and no droplet)'}`,
          resources: [ref],
          traffic: [],
          causes: [],
        }),
      );
    }
    const missing = new Map<string, { kind: 'droplet' | 'load-balancer' | 'cluster'; id: string; where: string[] }>();
    const gone = (kind: 'droplet' | 'load-balancer' | 'cluster', id: string, where: string) => {
      const key = `${kind}:${id}`;
      const m = missing.get(key) ?? { kind, id, where: [] };
      if (!m.where.includes(where)) m.where.push(where);
      missing.set(key, m);
    };
    for (const id of fw.dropletIds) if (!dropletIds.has(id)) gone('droplet', String(id), 'applies to it');
    const unknownTags = new Map<string, string[]>();
    for (const r of fw.firewall.rules) {
      const where = `${r.direction} rule`;
      const p = r.peer;
      if (p.kind === 'droplet' && !dropletIds.has(p.id)) gone('droplet', String(p.id), where);
      if (p.kind === 'load-balancer' && !lbIds.has(p.id)) gone('load-balancer', p.id, where);
      if (p.kind === 'kubernetes' && !clusterIds.has(p.id)) gone('cluster', p.id, where);
      if (p.kind === 'tag' && !carried.has(p.name.toLowerCase())) {
        const list = unknownTags.get(p.name) ?? [];
        list.push(r.direction);
        unknownTags.set(p.name, list);
      }
    }
    for (const m of [...missing.values()].sort((a, b) => (`${a.kind}:${a.id}` < `${b.kind}:${b.id}` ? -1 : 1))) {
      findings.push(
        makeFinding('missingResource', fw.name, {
          detail: `${m.kind}:${m.id}`,
          message: `firewall ${fw.name} names ${m.kind} ${m.id}, which no longer exists (${m.where.join(', ')})`,
          resources: [ref, { kind: m.kind, name: m.id, id: m.id }],
          traffic: [],
          causes: [],
        }),
      );
    }
    for (const [tag, dirs] of [...unknownTags].sort(([a], [b]) => (a < b ? -1 : 1))) {
      findings.push(
        makeFinding('unknownTagInRule', fw.name, {
          detail: tag.toLowerCase(),
          message: `firewall ${fw.name} has ${[...new Set(dirs)].join(' and ')} rules naming tag ${tag}, which no droplet carries`,
          resources: [ref, { kind: 'tag', name: tag }],
          traffic: [],
          causes: [],
        }),
      );
    }
    for (const [i, problem] of fw.problems.entries()) {
      findings.push(
        makeFinding('unreadableRule', fw.name, {
          detail: String(i + 1),
          message: `firewall ${fw.name}: ${problem}; what that rule allows is not audited`,
          resources: [ref],
          traffic: [],
          causes: [],
        }),
      );
    }
  }
  return findings;
}
