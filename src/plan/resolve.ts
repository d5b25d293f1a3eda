/**
 * Resolution: the resources a policy names in quotes — load balancers, clusters, droplets by name, and
 * databases — become the ids DigitalOcean needs, from what was read of the account. A name that matches
 * nothing, or several droplets, is an error at the statement that names it.
 */
import { type Cidr, type DropletSetTarget, type Firewall, firewallName, MAX_DROPLETS_PER_FIREWALL, type Origin, parseAddress, type Peer, type Rule, type TrustedSource } from '../model/index.js';
import type { BuiltPolicy } from '../pipeline/index.js';
import { diagnostic, type Diagnostic, didYouMean } from '../diagnostics/index.js';
import type { SourceFile } from '../source/index.js';
import type { Account } from './types.js';

export interface ResolvedDatabase {
  readonly id: string;
  readonly name: string;
  readonly sources: readonly TrustedSource[];
  readonly origins: readonly Origin[];
}

export interface ResolvedDesired {
  readonly firewalls: readonly Firewall[];
  readonly databases: readonly ResolvedDatabase[];
  /**
   * The ids of the live firewalls the policies replace (`replaces firewall "NAME"`): planned as firewalls
   * of the policy that it no longer wants, so deleted once the proof allows. Absent: none.
   */
  readonly replaces?: readonly string[];
}

type Lookup = { ok: true; id: string | number } | { ok: false; diagnostic: (file: SourceFile, origin: Origin) => Diagnostic };

export function resolveDesired(built: readonly BuiltPolicy[], account: Account): { value: ResolvedDesired; diagnostics: Diagnostic[] } {
  const files = new Map(built.map((b) => [b.policy.file.path, b.policy.file]));
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<string>();
  const report = (key: string, origins: readonly Origin[], make: (file: SourceFile, origin: Origin) => Diagnostic) => {
    const origin = origins[0];
    const file = origin ? files.get(origin.file) : undefined;
    if (!origin || !file || reported.has(`${key}@${origin.file}:${origin.span.start}`)) return;
    reported.add(`${key}@${origin.file}:${origin.span.start}`);
    diagnostics.push(make(file, origin));
  };

  const notFound = (what: string, name: string, candidates: string[]) => (file: SourceFile, origin: Origin) =>
    diagnostic('unresolvedResource', {
      message: `no ${what} named \`${name}\` in the account`,
      file,
      span: origin.span,
      label: `names ${what} \`${name}\``,
      help: [didYouMean(name, candidates), candidates.length === 0 ? `the account has no ${what}s that this token can see` : undefined],
    });

  const lookup = (resource: 'droplet' | 'load-balancer' | 'cluster' | 'vpc', name: string): Lookup => {
    switch (resource) {
      case 'vpc': {
        const vpcs = account.vpcs ?? [];
        const found = vpcs.filter((v) => v.name === name);
        if (found.length === 1) return { ok: true, id: found[0]!.id };
        if (found.length === 0) return { ok: false, diagnostic: notFound('VPC', name, vpcs.map((v) => v.name)) };
        return { ok: false, diagnostic: ambiguous('VPCs', name, found.map((v) => v.id)) };
      }
      case 'load-balancer': {
        const found = account.loadBalancers.filter((l) => l.name === name);
        if (found.length === 1) return { ok: true, id: found[0]!.id };
        if (found.length === 0) return { ok: false, diagnostic: notFound('load balancer', name, account.loadBalancers.map((l) => l.name)) };
        return { ok: false, diagnostic: ambiguous('load balancers', name, found.map((l) => l.id)) };
      }
      case 'cluster': {
        const found = account.clusters.filter((c) => c.name === name);
        if (found.length === 1) return { ok: true, id: found[0]!.id };
        if (found.length === 0) return { ok: false, diagnostic: notFound('Kubernetes cluster', name, account.clusters.map((c) => c.name)) };
        return { ok: false, diagnostic: ambiguous('clusters', name, found.map((c) => c.id)) };
      }
      case 'droplet': {
        const found = account.droplets.filter((d) => d.name === name);
        if (found.length === 1) return { ok: true, id: found[0]!.id };
        if (found.length === 0) return { ok: false, diagnostic: notFound('droplet', name, account.droplets.map((d) => d.name)) };
        return { ok: false, diagnostic: ambiguous('droplets', name, found.map((d) => String(d.id))) };
      }
    }
  };

  const resolvePeer = (peer: Peer, origins: readonly Origin[]): Peer | null => {
    if (peer.kind === 'droplet') {
      if (account.droplets.some((d) => d.id === peer.id)) return peer;
      report(`droplet:${peer.id}`, origins, (file, origin) =>
        diagnostic('unresolvedResource', {
          message: `no droplet with id ${peer.id} in the account`,
          file,
          span: origin.span,
          label: `names droplet ${peer.id}`,
          help: ['DigitalOcean refuses rules that name droplets that do not exist (422 "invalid address")'],
        }),
      );
      return null;
    }
    if (peer.kind !== 'unresolved') return peer;
    const found = lookup(peer.resource, peer.name);
    if (!found.ok) {
      report(`${peer.resource}:${peer.name}`, origins, found.diagnostic);
      return null;
    }
    switch (peer.resource) {
      case 'droplet':
        return { kind: 'droplet', id: Number(found.id) };
      case 'load-balancer':
        return { kind: 'load-balancer', id: String(found.id) };
      case 'cluster':
        return { kind: 'kubernetes', id: String(found.id) };
      case 'vpc': {
        const cidr = vpcRange(String(found.id));
        if (!cidr) return null;
        return { kind: 'address', cidr };
      }
    }
  };

  const vpcRange = (id: string): Cidr | null => {
    const vpc = (account.vpcs ?? []).find((v) => v.id === id);
    const parsed = vpc ? parseAddress(vpc.ipRange) : null;
    return parsed?.ok ? parsed.cidr : null;
  };

  // A droplet set's droplets, by id: every name resolved, every id checked, at the set's declaration.
  const setDroplets = (set: DropletSetTarget, ids: readonly number[]): number[] => {
    const out = new Set<number>();
    const at = (key: string): Origin => ({ ...set.origin, span: set.memberSpans?.[key] ?? set.origin.span });
    for (const id of ids) {
      if (account.droplets.some((d) => d.id === id)) out.add(id);
      else
        report(`set-droplet:${id}`, [at(`#${id}`)], (file, origin) =>
          diagnostic('unresolvedResource', {
            message: `droplet set \`${set.name}\` names droplet ${id}, which is not in the account`,
            file,
            span: origin.span,
            label: `names droplet ${id}`,
            help: ['remove it from the set, or check that the token sees the droplet\'s team'],
          }),
        );
    }
    for (const name of set.unresolved) {
      const found = lookup('droplet', name);
      if (found.ok) out.add(Number(found.id));
      else report(`droplet:${name}`, [at(name)], found.diagnostic);
    }
    return [...out].sort((a, b) => a - b);
  };

  const firewalls: Firewall[] = [];
  for (const { compiled } of built) {
    const own: Firewall[] = [];
    const sets = new Map<string, Firewall[]>();
    for (const fw of compiled.firewalls) {
      const rules: Rule[] = [];
      for (const rule of fw.rules) {
        const peer = resolvePeer(rule.peer, rule.origins);
        if (peer) rules.push(peer === rule.peer ? rule : { ...rule, peer });
      }
      if (fw.set) {
        const list = sets.get(fw.set.name) ?? [];
        list.push({ ...fw, rules });
        sets.set(fw.set.name, list);
      } else {
        own.push({ ...fw, rules });
      }
    }
    for (const shards of sets.values()) own.push(...splitByDroplets(shards, setDroplets(shards[0]!.set!, shards[0]!.dropletIds)));
    if (sets.size > 0) own.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    firewalls.push(...own);
  }

  const databases: ResolvedDatabase[] = [];
  for (const { compiled } of built) {
    for (const trust of compiled.databases) {
      const db = account.databases.find((d) => d.name === trust.database);
      if (!db) {
        report(`database:${trust.database}`, trust.origins, notFound('database', trust.database, account.databases.map((d) => d.name)));
        continue;
      }
      const sources: TrustedSource[] = [];
      for (const source of trust.sources) {
        if (source.type !== 'unresolved') {
          sources.push(source);
          continue;
        }
        const found = lookup(source.resource, source.name);
        if (!found.ok) report(`${source.resource}:${source.name}`, trust.origins, found.diagnostic);
        else if (source.resource === 'vpc') {
          const cidr = vpcRange(String(found.id));
          if (cidr) sources.push({ type: 'ip_addr', value: cidr.text });
        } else sources.push(source.resource === 'droplet' ? { type: 'droplet', value: String(found.id) } : { type: 'k8s', value: String(found.id) });
      }
      databases.push({ id: db.id, name: db.name, sources, origins: trust.origins });
    }
  }
  // Replaced firewalls, by name: one each. None is a warning (there is nothing left to replace); several
  // an error, since fwc would have to guess which one to delete.
  const replaces: string[] = [];
  for (const { policy } of built) {
    for (const r of policy.replaces) {
      const found = account.firewalls.filter((f) => f.name.toLowerCase() === r.name.toLowerCase());
      if (found.length === 1) {
        if (!replaces.includes(found[0]!.id)) replaces.push(found[0]!.id);
      } else if (found.length === 0) {
        diagnostics.push(
          diagnostic('replacedFirewallMissing', {
            message: `the account has no firewall named \`${r.name}\`: there is nothing to replace`,
            file: policy.file,
            span: r.span,
            label: 'no such firewall',
            help: ['remove this line (a previous `fwc apply` may have deleted it already)', didYouMean(r.name, account.firewalls.map((f) => f.name))],
          }),
        );
      } else {
        diagnostics.push(
          diagnostic('replacedFirewallAmbiguous', {
            message: `${found.length} firewalls are named \`${r.name}\` (${found.map((f) => f.id).join(', ')})`,
            file: policy.file,
            span: r.span,
            label: 'which one?',
            help: ['rename all but one of them in DigitalOcean, then plan again'],
          }),
        );
      }
    }
  }
  return { value: { firewalls, databases, ...(replaces.length > 0 ? { replaces } : {}) }, diagnostics };
}

export { MAX_DROPLETS_PER_FIREWALL };

/**
 * A droplet set's firewalls once its droplets are known: every rule shard once for every ten droplets,
 * numbered on from the rule shards (`-2`, `-3`, …); DigitalOcean adds up the firewalls on a droplet, so
 * each droplet is allowed exactly what the set is.
 */
export function splitByDroplets(shards: readonly Firewall[], ids: readonly number[]): Firewall[] {
  const chunks: number[][] = [];
  for (let i = 0; i < ids.length; i += MAX_DROPLETS_PER_FIREWALL) chunks.push(ids.slice(i, i + MAX_DROPLETS_PER_FIREWALL));
  if (chunks.length === 0) chunks.push([]);
  const out: Firewall[] = [];
  chunks.forEach((chunk, c) => {
    shards.forEach((fw, s) => {
      const set = fw.set!;
      out.push({ name: firewallName(set.policy, set.name, c * shards.length + s + 1), tags: [], dropletIds: chunk, rules: fw.rules, set: { ...set, unresolved: [] } });
    });
  });
  return out;
}

function ambiguous(what: string, name: string, ids: string[]) {
  return (file: SourceFile, origin: Origin) =>
    diagnostic('ambiguousResource', {
      message: `${ids.length} ${what} are named \`${name}\` (${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''})`,
      file,
      span: origin.span,
      label: 'ambiguous name',
      help: [what === 'droplets' ? `name one by id (\`droplet ${ids[0]}\`), or tag them and use the tag` : 'rename one of them in DigitalOcean'],
    });
}
