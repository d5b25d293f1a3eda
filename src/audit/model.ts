/**
 * The account as the audit judges it: every live firewall (managed or not) in one DigitalOcean
 * semantics engine (src/analysis/network.ts), the droplets grouped into the classes that no firewall
 * can tell apart (src/plan/hosts.ts), and what each class and firewall is called in findings.
 */
import { Network, type Host } from '../analysis/index.js';
import { type Cidr, type Firewall, type Rule, ruleText } from '../model/index.js';
import type { ReadAccount, ReadFirewall } from '../digitalocean/index.js';
import { databaseAccess, type DropletClass, dropletClasses } from '../plan/index.js';
import type { Cause, ResourceRef } from './finding.js';
import { AddressSpace } from './internet.js';

export interface AuditClass extends DropletClass {
  /** How the class appears in finding keys: `web`, `api+web`, `untagged`, `web#3001`. */
  readonly subject: string;
  /** The firewalls on the class (empty: no firewall, open). */
  readonly firewalls: readonly Firewall[];
  /** Cluster ids whose nodes the class's droplets are. */
  readonly clusterIds: readonly string[];
}

export class AuditModel {
  readonly network: Network;
  readonly classes: readonly AuditClass[];
  readonly space = new AddressSpace();
  private readonly byName = new Map<string, ReadFirewall>();
  private readonly dropletsById: ReadonlyMap<number, ReadAccount['droplets'][number]>;
  /** Names of the firewalls a policy owns (with --policy), lower case; null without a policy. */
  managed: ReadonlySet<string> | null = null;

  constructor(
    readonly account: ReadAccount,
    /** Firewalls that only tell droplets apart (a policy's desired firewalls), never judged. */
    splitBy: readonly Firewall[] = [],
  ) {
    const live = account.firewalls.map((f) => f.firewall);
    for (const f of account.firewalls) this.byName.set(f.name, f);
    this.network = new Network(live, databaseAccess(account, { firewalls: [], databases: [] }).before);
    const droplets = new Map(account.droplets.map((d) => [d.id, d]));
    this.dropletsById = droplets;
    this.classes = dropletClasses(account, [...live, ...splitBy]).map((c) => {
      const firewalls = this.network.firewallsOf(c.host);
      const tags = c.tags.map((t) => t.toLowerCase());
      const byId = c.host.key.includes('#');
      const subject = `${tags.length > 0 ? tags.join('+') : 'untagged'}${byId ? `#${c.dropletIds[0]}` : ''}`;
      const clusterIds = account.clusters.filter((k) => c.dropletIds.some((id) => droplets.get(id)?.tags.some((t) => t.toLowerCase() === `k8s:${k.id}`.toLowerCase()))).map((k) => k.id);
      return { ...c, subject, firewalls, clusterIds };
    });
  }

  firewall(name: string): ReadFirewall | undefined {
    return this.byName.get(name);
  }

  /** The droplets of a class, by name and id. */
  droplets(c: AuditClass): ResourceRef[] {
    return c.dropletIds.map((id) => ({ kind: 'droplet', name: this.dropletsById.get(id)?.name ?? String(id), id: String(id) }));
  }

  firewallRefs(firewalls: readonly Firewall[]): ResourceRef[] {
    return firewalls.map((f) => ({ kind: 'firewall', name: f.name, ...(this.byName.get(f.name) ? { id: this.byName.get(f.name)!.id } : {}) }));
  }

  cause(firewall: string, rule: Omit<Rule, 'origins'>): Cause {
    const fw = this.byName.get(firewall);
    return {
      firewall,
      ...(fw ? { firewallId: fw.id } : {}),
      rule: ruleText(rule),
      ...(this.managed ? { managed: this.managed.has(firewall.toLowerCase()) } : {}),
    };
  }

  /** `droplets tagged web`, `the untagged droplets`, `droplet web-1 (3001)`, `nodes of cluster k1`. */
  describe(c: AuditClass): string {
    const n = c.dropletIds.length;
    const what = n === 1 ? 'droplet' : `${n} droplets`;
    if (c.host.key.includes('#')) return c.host.label;
    if (c.tags.length === 0) return `${n === 1 ? 'the droplet' : `the ${n} droplets`} with no tag a firewall names`;
    return c.host.label.startsWith('nodes of') ? `${what} (${c.host.label})` : `${what} tagged ${c.tags.join(' + ')}`;
  }
}

/** The address blocks that the rules of one direction of `firewalls` name (where address space is cut). */
export function addressBlocks(firewalls: readonly Firewall[], direction: Rule['direction']): Cidr[] {
  const out: Cidr[] = [];
  for (const f of firewalls) for (const r of f.rules) if (r.direction === direction && r.peer.kind === 'address') out.push(r.peer.cidr);
  return out;
}

/** Unique causes, in a stable order. */
export function uniqueCauses(causes: Iterable<Cause>): Cause[] {
  const seen = new Map<string, Cause>();
  for (const c of causes) seen.set(`${c.firewall}\u0000${c.rule}`, c);
  return [...seen.values()].sort((a, b) => (a.firewall < b.firewall ? -1 : a.firewall > b.firewall ? 1 : a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

export type { Host };
