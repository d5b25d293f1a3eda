/**
 * Resolution: the resources a policy names in quotes — load balancers, clusters, droplets by name, and
 * databases — become the ids DigitalOcean needs, from what was read of the account. A name that matches
 * nothing, or several droplets, is an error at the statement that names it.
 */
import { type Cidr, type DatabaseTrust, type DropletSetTarget, type Firewall, firewallName, MAX_DROPLETS_PER_FIREWALL, type Origin, parseAddress, type Peer, type Rule, type TrustedSource } from '../model/index.js';
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
type ResourceKind = 'droplet' | 'load-balancer' | 'cluster' | 'vpc';

/** How many ids a diagnostic about an ambiguous name lists before it says `…`. */
const LISTED_IDS = 5;

export function resolveDesired(built: readonly BuiltPolicy[], account: Account): { value: ResolvedDesired; diagnostics: Diagnostic[] } {
  const resolver = new Resolver(built, account);
  const firewalls = built.flatMap(({ compiled }) => resolver.firewalls(compiled.firewalls));
  const databases = built.flatMap(({ compiled }) => resolver.databases(compiled.databases));
  const replaces = resolver.replaced(built);
  return { value: { firewalls, databases, ...(replaces.length > 0 ? { replaces } : {}) }, diagnostics: resolver.diagnostics };
}

/** Names to ids against one account, each problem reported once, at the statement that names it. */
class Resolver {
  readonly diagnostics: Diagnostic[] = [];
  private readonly files: ReadonlyMap<string, SourceFile>;
  private readonly reported = new Set<string>();

  constructor(
    built: readonly BuiltPolicy[],
    private readonly account: Account,
  ) {
    this.files = new Map(built.map((b) => [b.policy.file.path, b.policy.file]));
  }

  /** Reports a problem at the first origin, once per thing and place. */
  private report(key: string, origins: readonly Origin[], make: (file: SourceFile, origin: Origin) => Diagnostic): void {
    const origin = origins[0];
    const file = origin ? this.files.get(origin.file) : undefined;
    const at = origin && `${key}@${origin.file}:${origin.span.start}`;
    if (!origin || !file || this.reported.has(at!)) return;
    this.reported.add(at!);
    this.diagnostics.push(make(file, origin));
  }

  /** The resources of a kind, by id and name, and the words a diagnostic uses for them. */
  private resources(kind: ResourceKind): { one: string; many: string; all: readonly { id: string | number; name: string }[] } {
    switch (kind) {
      case 'vpc':
        return { one: 'VPC', many: 'VPCs', all: this.account.vpcs ?? [] };
      case 'load-balancer':
        return { one: 'load balancer', many: 'load balancers', all: this.account.loadBalancers };
      case 'cluster':
        return { one: 'Kubernetes cluster', many: 'clusters', all: this.account.clusters };
      case 'droplet':
        return { one: 'droplet', many: 'droplets', all: this.account.droplets };
    }
  }

  private lookup(kind: ResourceKind, name: string): Lookup {
    const { one, many, all } = this.resources(kind);
    const found = all.filter((r) => r.name === name);
    if (found.length === 1) return { ok: true, id: found[0]!.id };
    if (found.length === 0) return { ok: false, diagnostic: notFound(one, name, all.map((r) => r.name)) };
    return { ok: false, diagnostic: ambiguous(many, name, found.map((r) => String(r.id))) };
  }

  private vpcRange(id: string): Cidr | null {
    const vpc = (this.account.vpcs ?? []).find((v) => v.id === id);
    const parsed = vpc ? parseAddress(vpc.ipRange) : null;
    return parsed?.ok ? parsed.cidr : null;
  }

  private hasDroplet(id: number): boolean {
    return this.account.droplets.some((d) => d.id === id);
  }

  /** A rule's peer with ids for names; null (reported) when it names nothing the account has. */
  private peer(peer: Peer, origins: readonly Origin[]): Peer | null {
    if (peer.kind === 'droplet') {
      if (this.hasDroplet(peer.id)) return peer;
      this.report(`droplet:${peer.id}`, origins, (file, origin) =>
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
    const found = this.lookup(peer.resource, peer.name);
    if (!found.ok) {
      this.report(`${peer.resource}:${peer.name}`, origins, found.diagnostic);
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
        const cidr = this.vpcRange(String(found.id));
        return cidr && { kind: 'address', cidr };
      }
    }
  }

  /** A droplet set's droplets, by id: every name resolved, every id checked, at the set's declaration. */
  private setDroplets(set: DropletSetTarget, ids: readonly number[]): number[] {
    const out = new Set<number>();
    const at = (key: string): Origin => ({ ...set.origin, span: set.memberSpans?.[key] ?? set.origin.span });
    for (const id of ids) {
      if (this.hasDroplet(id)) out.add(id);
      else
        this.report(`set-droplet:${id}`, [at(`#${id}`)], (file, origin) =>
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
      const found = this.lookup('droplet', name);
      if (found.ok) out.add(Number(found.id));
      else this.report(`droplet:${name}`, [at(name)], found.diagnostic);
    }
    return [...out].sort((a, b) => a - b);
  }

  /** One policy's compiled firewalls with every peer resolved, and its droplet sets' firewalls split by droplets. */
  firewalls(compiled: readonly Firewall[]): Firewall[] {
    const own: Firewall[] = [];
    const sets = new Map<string, Firewall[]>();
    for (const fw of compiled) {
      const rules: Rule[] = [];
      for (const rule of fw.rules) {
        const peer = this.peer(rule.peer, rule.origins);
        if (peer) rules.push(peer === rule.peer ? rule : { ...rule, peer });
      }
      if (!fw.set) {
        own.push({ ...fw, rules });
        continue;
      }
      const list = sets.get(fw.set.name) ?? [];
      list.push({ ...fw, rules });
      sets.set(fw.set.name, list);
    }
    for (const shards of sets.values()) own.push(...splitByDroplets(shards, this.setDroplets(shards[0]!.set!, shards[0]!.dropletIds)));
    if (sets.size > 0) own.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return own;
  }

  /** One policy's databases by id, with the trusted sources it names in quotes resolved. */
  databases(trusts: readonly DatabaseTrust[]): ResolvedDatabase[] {
    const out: ResolvedDatabase[] = [];
    for (const trust of trusts) {
      const db = this.account.databases.find((d) => d.name === trust.database);
      if (!db) {
        this.report(`database:${trust.database}`, trust.origins, notFound('database', trust.database, this.account.databases.map((d) => d.name)));
        continue;
      }
      const sources = trust.sources.flatMap((source) => this.source(source, trust.origins));
      out.push({ id: db.id, name: db.name, sources, origins: trust.origins });
    }
    return out;
  }

  private source(source: DatabaseTrust['sources'][number], origins: readonly Origin[]): TrustedSource[] {
    if (source.type !== 'unresolved') return [source];
    const found = this.lookup(source.resource, source.name);
    if (!found.ok) {
      this.report(`${source.resource}:${source.name}`, origins, found.diagnostic);
      return [];
    }
    if (source.resource === 'vpc') {
      const cidr = this.vpcRange(String(found.id));
      return cidr ? [{ type: 'ip_addr', value: cidr.text }] : [];
    }
    return [source.resource === 'droplet' ? { type: 'droplet', value: String(found.id) } : { type: 'k8s', value: String(found.id) }];
  }

  /**
   * Replaced firewalls, by name: one each. None is a warning (there is nothing left to replace); several
   * an error, since fwc would have to guess which one to delete.
   */
  replaced(built: readonly BuiltPolicy[]): string[] {
    const replaces: string[] = [];
    for (const { policy } of built) {
      for (const r of policy.replaces) {
        const found = this.account.firewalls.filter((f) => f.name.toLowerCase() === r.name.toLowerCase());
        if (found.length === 1) {
          if (!replaces.includes(found[0]!.id)) replaces.push(found[0]!.id);
          continue;
        }
        const init = { file: policy.file, span: r.span };
        this.diagnostics.push(
          found.length === 0
            ? diagnostic('replacedFirewallMissing', {
                ...init,
                message: `the account has no firewall named \`${r.name}\`: there is nothing to replace`,
                label: 'no such firewall',
                help: ['remove this line (a previous `fwc apply` may have deleted it already)', didYouMean(r.name, this.account.firewalls.map((f) => f.name))],
              })
            : diagnostic('replacedFirewallAmbiguous', {
                ...init,
                message: `${found.length} firewalls are named \`${r.name}\` (${found.map((f) => f.id).join(', ')})`,
                label: 'which one?',
                help: ['rename all but one of them in DigitalOcean, then plan again'],
              }),
        );
      }
    }
    return replaces;
  }
}

function notFound(what: string, name: string, candidates: string[]) {
  return (file: SourceFile, origin: Origin) =>
    diagnostic('unresolvedResource', {
      message: `no ${what} named \`${name}\` in the account`,
      file,
      span: origin.span,
      label: `names ${what} \`${name}\``,
      help: [didYouMean(name, candidates), candidates.length === 0 ? `the account has no ${what}s that this token can see` : undefined],
    });
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
      message: `${ids.length} ${what} are named \`${name}\` (${ids.slice(0, LISTED_IDS).join(', ')}${ids.length > LISTED_IDS ? ', …' : ''})`,
      file,
      span: origin.span,
      label: 'ambiguous name',
      help: [what === 'droplets' ? `name one by id (\`droplet ${ids[0]}\`), or tag them and use the tag` : 'rename one of them in DigitalOcean'],
    });
}
