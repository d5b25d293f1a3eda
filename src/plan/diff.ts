/**
 * `fwc diff`: the plan between two versions of the same policies, with no account at all. The old
 * version's compiled firewalls stand for the live ones, and reachability is judged on the policies'
 * representatives (every tag, address block and resource of either version, and `anyone`).
 */
import type { BuiltPolicy } from '../pipeline/index.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { computePlan } from './plan.js';
import { policyHosts } from './hosts.js';
import type { Account, Plan } from './types.js';

export function computeDiff(before: readonly BuiltPolicy[], after: readonly BuiltPolicy[]): { value: Plan; diagnostics: Diagnostic[] } {
  const tags = new Set<string>();
  const firewalls = before.flatMap((b) => b.compiled.firewalls);
  for (const fw of [...firewalls, ...after.flatMap((b) => b.compiled.firewalls)]) {
    for (const t of fw.tags) tags.add(t);
    for (const r of fw.rules) if (r.peer.kind === 'tag') tags.add(r.peer.name);
  }
  const trust = (bs: readonly BuiltPolicy[]) => bs.flatMap((b) => b.compiled.databases);
  const databaseNames = [...new Set([...trust(before), ...trust(after)].map((d) => d.database))];
  const account: Account = {
    // The old version's firewalls, as if they were live: ids are their names.
    firewalls: firewalls.map((fw) => ({ id: fw.name, name: fw.name, tags: fw.tags, dropletIds: fw.dropletIds, firewall: fw, fingerprint: '' })),
    tags: [...tags],
    droplets: [],
    loadBalancers: [],
    clusters: [],
    databases: databaseNames.map((name) => ({
      id: name,
      name,
      trustedSources: trust(before)
        .filter((d) => d.database === name)
        .flatMap((d) => d.sources)
        .map((s) => (s.type === 'unresolved' ? { type: s.resource === 'droplet' ? 'droplet' : 'k8s', value: `${s.resource}:${s.name}` } : s)),
    })),
  };
  // Policies of the old version that are gone still own their firewalls: they show as destroyed.
  const owners = [...after, ...before.filter((b) => !after.some((a) => a.policy.name === b.policy.name))];
  const desired = {
    firewalls: after.flatMap((b) => b.compiled.firewalls),
    databases: trust(after).map((d) => ({
      id: d.database,
      name: d.database,
      sources: d.sources.map((s) => (s.type === 'unresolved' ? ({ type: s.resource === 'droplet' ? 'droplet' : 'k8s', value: `${s.resource}:${s.name}` } as const) : s)),
      origins: d.origins,
    })),
  };
  const result = computePlan({
    built: owners,
    desired,
    account,
    kind: 'diff',
    hosts: policyHosts([...before, ...after].map((b) => b.policy)),
  });
  return { value: { ...result.value, policies: after.map((b) => ({ name: b.policy.name, files: [b.policy.file.path] })) }, diagnostics: result.diagnostics };
}
