/**
 * The plan as a document: plain JSON, versioned, documented in the README. It is what `fwc plan
 * --format json` prints, what `--out PLANFILE` saves (with the time and API it was made against), what
 * `fwc show` renders and what `fwc apply PLANFILE` executes. The renderers work from it alone, so a
 * saved plan renders exactly as it did when it was made.
 */
import { peerText, portsText, type Rule, ruleKey, type TrustedSource } from '../model/index.js';
import { firewallToApi, type ApiFirewallBody } from '../compile/index.js';
import { match } from 'ts-pattern';
import { PLAN_FORMAT_VERSION, hasChanges, type DatabaseChange, type FirewallChange, type FlowChange, type Plan } from './types.js';
import { PLAN_WARNING_CODES } from './warnings/rules.js';
import type { Diagnostic } from '../diagnostics/index.js';

export interface RuleDoc {
  readonly direction: 'inbound' | 'outbound';
  readonly action: 'allow' | 'deny';
  readonly protocol: 'tcp' | 'udp' | 'icmp';
  /** `all`, `22` or `8000-9000`. */
  readonly ports: string;
  /** `tag:web`, `203.0.113.0/24`, `load-balancer:…`, `cluster:…`, `droplet:…`. */
  readonly peer: string;
  /** The canonical key (`in tcp 22 tag:web allow`). */
  readonly key: string;
  /** The statement that produced the rule (`policies/shop.fw:12`), for desired rules. */
  readonly origin?: string;
  /** How the peer reads by name, where the account names it (`load balancer shop-lb`). */
  readonly peerName?: string;
}

export interface FirewallChangeDoc {
  readonly action: 'create' | 'update' | 'delete';
  readonly name: string;
  readonly id?: string;
  readonly tags: { readonly add: readonly string[]; readonly remove: readonly string[] };
  readonly droplets: { readonly add: readonly number[]; readonly remove: readonly number[] };
  /** The names of those droplets, by id, where the account names them. */
  readonly dropletNames?: Readonly<Record<string, string>>;
  readonly rules: {
    readonly add: readonly RuleDoc[];
    readonly remove: readonly RuleDoc[];
    readonly unchanged: number;
    /** Live rules fwc cannot read, removed as stored (`rule` is the stored form, as JSON). Only when some. */
    readonly unreadable?: readonly { readonly direction: 'inbound' | 'outbound'; readonly rule: string; readonly reason: string }[];
  };
}

export interface SourceDoc {
  readonly type: string;
  readonly value: string;
}

export interface DatabaseChangeDoc {
  readonly action: 'replace';
  readonly name: string;
  readonly id: string;
  readonly sources: { readonly add: readonly SourceDoc[]; readonly remove: readonly SourceDoc[]; readonly unchanged: number };
  /** The whole list the PUT sends, with the uuids of rules that stay. */
  readonly rules: readonly (SourceDoc & { readonly uuid?: string })[];
}

/** A plan warning in the document: its catalogue name (what `fwc explain` takes) and message. */
export interface WarningDoc {
  readonly code: string;
  readonly message: string;
}

/** A saved plan's warning as the diagnostic it was; undefined for a name no plan warning has. */
export function warningFromDocument(w: WarningDoc): Diagnostic | undefined {
  const code = PLAN_WARNING_CODES.find((c) => c.name === w.code);
  return code && { code, severity: code.severity, message: w.message, primary: null, secondary: [], notes: [], help: [] };
}

export interface PlanDocument {
  readonly formatVersion: number;
  readonly kind: 'plan' | 'diff';
  readonly fwcVersion?: string;
  readonly createdAt?: string;
  readonly apiUrl?: string;
  readonly policies: readonly { readonly name: string; readonly files: readonly string[] }[];
  readonly summary: {
    readonly changes: boolean;
    readonly tagsToCreate: number;
    readonly firewallsToCreate: number;
    readonly firewallsToUpdate: number;
    readonly firewallsToDelete: number;
    readonly databasesToUpdate: number;
    readonly firewallsUnchanged: number;
    readonly unmanagedFirewalls: number;
    readonly flowsAllowed: number;
    readonly flowsBlocked: number;
    readonly warnings: number;
  };
  readonly tags: { readonly create: readonly string[] };
  readonly firewalls: readonly FirewallChangeDoc[];
  readonly databases: readonly DatabaseChangeDoc[];
  readonly reachability: { readonly allowed: readonly FlowChange[]; readonly blocked: readonly FlowChange[] };
  readonly warnings: readonly WarningDoc[];
  readonly unmanaged: readonly string[];
  /**
   * The desired state apply makes true: every managed firewall's request body, and the trusted sources
   * of every database the policies name. `fwc apply PLANFILE` executes this section, and recomputes
   * from it (and the account) what it shows and guards.
   */
  readonly desired: {
    readonly firewalls: readonly ApiFirewallBody[];
    readonly databases: readonly { readonly id: string; readonly name: string; readonly sources: readonly SourceDoc[] }[];
  };
  /** Every live firewall read, with the fingerprint apply checks before changing anything. */
  readonly live: readonly { readonly id: string; readonly name: string; readonly fingerprint: string; readonly managed: boolean }[];
  /** Every database read, with a fingerprint of its trusted sources, checked the same way. */
  readonly liveDatabases: readonly { readonly id: string; readonly name: string; readonly fingerprint: string }[];
  /** The address blocks the policies name (hosts of the reachability analysis). */
  readonly addressBlocks: readonly string[];
}

export const ruleDocNamed = ruleDoc;

export function ruleDoc(rule: Rule, names: Readonly<Record<string, string>> = {}): RuleDoc {
  const origin = rule.origins[0];
  const peerName = names[peerText(rule.peer)];
  return {
    direction: rule.direction,
    action: rule.action,
    protocol: rule.protocol,
    ports: rule.protocol === 'icmp' ? 'all' : portsText(rule.ports),
    peer: peerText(rule.peer),
    key: ruleKey(rule),
    ...(origin ? { origin: `${origin.file}:${origin.line}` } : {}),
    ...(peerName ? { peerName } : {}),
  };
}

function sourceDoc(s: TrustedSource | { type: string; value: string; uuid?: string }): SourceDoc {
  return 'value' in s ? { type: s.type, value: s.value } : { type: s.type, value: `${s.resource}:${s.name}` };
}

const PROTOCOLS = ['tcp', 'udp', 'icmp'];

/** Canonical rule order (as compile's): direction, protocol, first and last port, deny first, peer. */
export function compareRuleDocs(a: RuleDoc, b: RuleDoc): number {
  if (a.direction !== b.direction) return a.direction === 'inbound' ? -1 : 1;
  if (a.protocol !== b.protocol) return PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol);
  const range = (p: string) => (p === 'all' ? [1, 65535] : p.split('-').map(Number).concat(Number(p.split('-').pop())));
  const [af, at] = range(a.ports) as [number, number];
  const [bf, bt] = range(b.ports) as [number, number];
  if (af !== bf) return af - bf;
  if (at !== bt) return at - bt;
  if (a.action !== b.action) return a.action === 'deny' ? -1 : 1;
  return a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0;
}

const byKey = compareRuleDocs;

const byId = (ids: readonly number[]) => [...ids].sort((a, b) => a - b);

/** The names of the droplets among `ids` that the account knows, for readers of the JSON. */
function dropletNames(ids: readonly number[], names: Readonly<Record<string, string>>): { dropletNames?: Record<string, string> } {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const label = names[`droplet:${id}`];
    const m = label ? /^droplet (.*) \(\d+\)$/.exec(label) : null;
    if (m) out[String(id)] = m[1]!;
  }
  return Object.keys(out).length > 0 ? { dropletNames: out } : {};
}

function firewallChangeDoc(c: FirewallChange, names: Readonly<Record<string, string>>): FirewallChangeDoc {
  const rules = (list: readonly Rule[]) => list.map((rule) => ruleDocNamed(rule, names)).sort(byKey);
  return match(c)
    .returnType<FirewallChangeDoc>()
    .with({ action: 'create' }, (c) => ({
      action: 'create',
      name: c.name,
      tags: { add: [...c.desired.tags], remove: [] },
      droplets: { add: byId(c.desired.dropletIds), remove: [] },
      ...dropletNames(c.desired.dropletIds, names),
      rules: { add: rules(c.desired.rules), remove: [], unchanged: 0 },
    }))
    .with({ action: 'update' }, (c) => ({
      action: 'update',
      name: c.name,
      id: c.id,
      tags: { add: [...c.addTags], remove: [...c.removeTags] },
      droplets: { add: byId(c.addDroplets), remove: byId(c.removeDroplets) },
      ...dropletNames([...c.addDroplets, ...c.removeDroplets], names),
      rules: {
        add: rules(c.addRules),
        remove: rules(c.removeRules),
        unchanged: c.unchangedRules,
        ...(c.removeUnreadable ? { unreadable: c.removeUnreadable.map((u) => ({ direction: u.direction, rule: JSON.stringify(u.stored), reason: u.reason })) } : {}),
      },
    }))
    .with({ action: 'delete' }, (c) => ({
      action: 'delete',
      name: c.name,
      id: c.id,
      tags: { add: [], remove: [...c.live.tags] },
      droplets: { add: [], remove: byId(c.live.dropletIds) },
      ...dropletNames(c.live.dropletIds, names),
      rules: { add: [], remove: rules(c.live.firewall.rules), unchanged: 0 },
    }))
    .exhaustive();
}

/** A database's change: the sources added and removed, and the rules it will have (with the uuids that stay). */
function databaseChangeDoc(d: DatabaseChange): DatabaseChangeDoc {
  const keep = new Map(d.live.map((s) => [`${s.type}:${s.value}`, s.uuid]));
  return {
    action: 'replace',
    name: d.name,
    id: d.id,
    sources: { add: d.add.map(sourceDoc), remove: d.remove.map(sourceDoc), unchanged: d.unchanged },
    rules: d.desired.map((s) => {
      const doc = sourceDoc(s);
      const uuid = keep.get(`${doc.type}:${doc.value}`);
      return uuid ? { ...doc, uuid } : doc;
    }),
  };
}

export function planDocument(plan: Plan, meta: { fwcVersion?: string; createdAt?: string; apiUrl?: string } = {}): PlanDocument {
  const firewalls = plan.firewalls.map((c) => firewallChangeDoc(c, plan.peerNames ?? {}));
  const databases = plan.databases.map(databaseChangeDoc);
  const count = (a: FirewallChangeDoc['action']) => firewalls.filter((f) => f.action === a).length;
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    kind: plan.kind,
    ...(meta.fwcVersion ? { fwcVersion: meta.fwcVersion } : {}),
    ...(meta.createdAt ? { createdAt: meta.createdAt } : {}),
    ...(meta.apiUrl ? { apiUrl: meta.apiUrl } : {}),
    policies: plan.policies,
    summary: {
      changes: hasChanges(plan),
      tagsToCreate: plan.tagsToCreate.length,
      firewallsToCreate: count('create'),
      firewallsToUpdate: count('update'),
      firewallsToDelete: count('delete'),
      databasesToUpdate: databases.length,
      firewallsUnchanged: plan.unchangedManaged,
      unmanagedFirewalls: plan.unmanaged.length,
      flowsAllowed: plan.reachability.allowed.length,
      flowsBlocked: plan.reachability.blocked.length,
      warnings: plan.warnings.length,
    },
    tags: { create: plan.tagsToCreate },
    firewalls,
    databases,
    reachability: plan.reachability,
    warnings: plan.warnings.map((w) => ({ code: w.code.name, message: w.message })),
    unmanaged: plan.unmanaged,
    desired: { firewalls: plan.desired.map(firewallToApi), databases: plan.desiredDatabases },
    live: plan.live,
    liveDatabases: plan.liveDatabases,
    addressBlocks: plan.addressBlocks,
  };
}
