/**
 * Planning: compares the desired firewalls (compiled and resolved) with the live ones, as sets of
 * canonical rules, and says what applying would change — tags to create, firewalls to create, update
 * (rule by rule) or delete, database trusted sources to replace — and, more usefully, who could newly
 * reach whom and who could no longer, with the warnings a careful operator wants first.
 *
 * Only firewalls fwc owns for the given policies are ever changed (check/firewallNames.ts); every other
 * firewall is read, because it changes what really flows on the same droplets.
 */
import { createHash } from 'node:crypto';
import { type DatabaseAccess, describe, difference, type Host, Network, sameBits, type ServiceSet, within } from '../analysis/index.js';
import { canonicalAddress, type Cidr, FINGERPRINT_LENGTH, type Firewall, ownsFirewall, ownsSetFirewall, policyPrefix, ruleKey, type TrustedSource } from '../model/index.js';
import { diagnostic, type Diagnostic } from '../diagnostics/index.js';
import type { BuiltPolicy } from '../pipeline/index.js';
import { forChangedPairs } from './changedPairs.js';
import { accountHosts } from './hosts.js';
import type { ResolvedDesired } from './resolve.js';
import type { Account, DatabaseChange, FirewallChange, FlowChange, LiveFirewall, Plan } from './types.js';
import { guardWarnings, planWarnings } from './warnings/rules.js';

const lower = (s: string) => s.toLowerCase();

/** The key of a trusted source, the same whatever the spelling DigitalOcean answers with. */
export function trustKey(type: string, value: string): string {
  if (type === 'tag') return `tag:${value.toLowerCase()}`;
  if (type === 'ip_addr') return `ip_addr:${canonicalAddress(value) ?? value}`;
  return `${type}:${value}`;
}

/** A stable hash of a database's trusted sources, whatever their order or spelling. */
export function databaseFingerprint(sources: readonly { readonly type: string; readonly value: string }[]): string {
  const keys = sources.map((s) => trustKey(s.type, s.value)).sort();
  return createHash('sha256').update(JSON.stringify(keys)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

/** Rule-level difference between a desired firewall and the live one of the same name. */
export function diffFirewall(desired: Firewall, live: LiveFirewall): FirewallChange | null {
  const want = new Map(desired.rules.map((r) => [ruleKey(r), r]));
  const have = new Map(live.firewall.rules.map((r) => [ruleKey(r), r]));
  const addRules = [...want].filter(([k]) => !have.has(k)).map(([, r]) => r);
  const removeRules = [...have].filter(([k]) => !want.has(k)).map(([, r]) => r);
  const wantTags = new Set(desired.tags.map(lower));
  const haveTags = new Set(live.tags.map(lower));
  const addTags = desired.tags.filter((t) => !haveTags.has(lower(t)));
  const removeTags = live.tags.filter((t) => !wantTags.has(lower(t)));
  const addDroplets = desired.dropletIds.filter((id) => !live.dropletIds.includes(id));
  const removeDroplets = live.dropletIds.filter((id) => !desired.dropletIds.includes(id));
  const unreadable = live.unreadable ?? [];
  if (addRules.length + removeRules.length + addTags.length + removeTags.length + addDroplets.length + removeDroplets.length + unreadable.length === 0) return null;
  return {
    action: 'update',
    id: live.id,
    name: live.name,
    desired,
    live,
    addRules,
    removeRules,
    unchangedRules: desired.rules.length - addRules.length,
    addTags,
    removeTags,
    addDroplets,
    removeDroplets,
    ...(unreadable.length > 0 ? { removeUnreadable: unreadable } : {}),
  };
}

/** The tags the desired state refers to, in the policy's spelling. */
function referencedTags(desired: ResolvedDesired): string[] {
  const tags = new Map<string, string>();
  for (const fw of desired.firewalls) {
    for (const t of fw.tags) if (!tags.has(lower(t))) tags.set(lower(t), t);
    for (const r of fw.rules) if (r.peer.kind === 'tag' && !tags.has(lower(r.peer.name))) tags.set(lower(r.peer.name), r.peer.name);
  }
  for (const db of desired.databases) for (const s of db.sources) if (s.type === 'tag' && !tags.has(lower(s.value))) tags.set(lower(s.value), s.value);
  return [...tags.values()].sort();
}

export interface PlanInput {
  readonly built: readonly BuiltPolicy[];
  readonly desired: ResolvedDesired;
  readonly account: Account;
  /** `diff` compares two versions of policies without an account: no droplets, no unmanaged firewalls. */
  readonly kind?: 'plan' | 'diff';
  /** The hosts reachability is judged on; by default the account's droplet classes and resources. */
  readonly hosts?: readonly Host[];
}

/** The rule-level changes alone, from the desired state, the account and the owning policies' names. */
export interface Changes {
  readonly firewalls: FirewallChange[];
  readonly tagsToCreate: string[];
  readonly databases: DatabaseChange[];
  readonly unchangedManaged: number;
  readonly managed: readonly LiveFirewall[];
  readonly unmanaged: readonly LiveFirewall[];
  /** Desired firewalls whose name an unmanaged firewall already has (nothing is planned for them). */
  readonly squatters: readonly { readonly desired: Firewall; readonly live: LiveFirewall }[];
}

export function planChanges(desired: ResolvedDesired, account: Account, policyNames: readonly string[]): Changes {
  const setNames = desired.firewalls.filter((f) => f.tags.length === 0 && policyNames.some((p) => f.name.startsWith(policyPrefix(p)))).map((f) => f.name);
  // A policy owns its own firewalls, and the ones it names in `replaces` (by id, resolved at plan time):
  // those it no longer wants, so they are planned as deletions and deleted only as proven steps.
  const replaced = new Set(desired.replaces ?? []);
  const isManaged = (fw: LiveFirewall) =>
    replaced.has(fw.id) || policyNames.some((p) => ownsFirewall(p, fw.name, fw.tags)) || ownsSetFirewall(fw.name, fw.tags, setNames);
  const managed = account.firewalls.filter(isManaged);
  const unmanaged = account.firewalls.filter((fw) => !isManaged(fw));
  const managedByName = new Map(managed.map((fw) => [lower(fw.name), fw]));

  const firewalls: FirewallChange[] = [];
  const squatters: Changes['squatters'][number][] = [];
  let unchangedManaged = 0;
  for (const fw of desired.firewalls) {
    const live = managedByName.get(lower(fw.name));
    if (live) {
      const change = diffFirewall(fw, live);
      if (change) firewalls.push(change);
      else unchangedManaged++;
      continue;
    }
    const squatter = unmanaged.find((u) => lower(u.name) === lower(fw.name));
    if (squatter) squatters.push({ desired: fw, live: squatter });
    else firewalls.push({ action: 'create', name: fw.name, desired: fw });
  }
  const desiredNames = new Set(desired.firewalls.map((f) => lower(f.name)));
  for (const live of managed) if (!desiredNames.has(lower(live.name))) firewalls.push({ action: 'delete', id: live.id, name: live.name, live });
  firewalls.sort((a, b) => (lower(a.name) < lower(b.name) ? -1 : lower(a.name) > lower(b.name) ? 1 : 0));

  const existing = new Set(account.tags.map(lower));
  const tagsToCreate = referencedTags(desired).filter((t) => !existing.has(lower(t)));

  const databases: DatabaseChange[] = [];
  for (const db of desired.databases) {
    const live = account.databases.find((d) => d.id === db.id);
    if (!live) continue;
    const want = new Map(db.sources.map((s) => [trustKey(s.type, (s as { value: string }).value), s]));
    const have = new Map(live.trustedSources.map((s) => [trustKey(s.type, s.value), s]));
    const add = [...want].filter(([k]) => !have.has(k)).map(([, s]) => s);
    const remove = [...have].filter(([k]) => !want.has(k)).map(([, s]) => s);
    if (add.length + remove.length === 0) continue;
    databases.push({ action: 'replace', id: db.id, name: db.name, desired: db.sources, live: live.trustedSources, add, remove, unchanged: want.size - add.length });
  }
  return { firewalls, tagsToCreate, databases, unchangedManaged, managed, unmanaged, squatters };
}

/** Database access (trusted sources) before and after the desired state is applied. */
export function databaseAccess(account: Account, desired: ResolvedDesired): { before: DatabaseAccess[]; after: DatabaseAccess[] } {
  return {
    before: account.databases.map((d) => ({ name: d.name, sources: d.trustedSources.map(toTrusted) })),
    after: account.databases.map((d) => {
      const want = desired.databases.find((x) => x.id === d.id);
      return { name: d.name, sources: want ? want.sources : d.trustedSources.map(toTrusted) };
    }),
  };
}

/** Computes the plan; diagnostics are errors that make the plan impossible (FW703). */
export function computePlan({ built, desired, account, kind = 'plan', hosts: givenHosts }: PlanInput): { value: Plan; diagnostics: Diagnostic[] } {
  const policies = built.map((b) => b.policy);
  const { firewalls: changes, tagsToCreate, databases, unchangedManaged, unmanaged, managed, squatters } = planChanges(
    desired,
    account,
    policies.map((p) => p.name),
  );
  const isManaged = (fw: LiveFirewall) => managed.includes(fw);
  const diagnostics = squatters.map(({ desired: fw, live: squatter }) => {
    const policy = built.find((b) => b.compiled.firewalls.some((f) => lower(f.name) === lower(fw.name)));
    const tag = policy?.policy.tags.find((t) => lower(t.name) === lower(fw.tags[0] ?? ''));
    return diagnostic('firewallNameTaken', {
      message: `firewall \`${fw.name}\` exists (${squatter.id}) but applies to ${squatter.tags.length > 0 ? `tags ${squatter.tags.join(', ')}` : 'no tag'}${squatter.dropletIds.length > 0 ? ` and droplets ${squatter.dropletIds.join(', ')}` : ''}, so fwc does not own it`,
      ...(policy && tag ? { file: policy.policy.file, span: tag.span, label: "this tag's firewall" } : {}),
      help: ['rename or delete that firewall in DigitalOcean, or rename this tag'],
    });
  });

  // Reachability, before and after, over the account's droplets and everything the policies name.
  const judged = judgeChanges(desired, account, unmanaged, policies, givenHosts);
  const { oldNet, newNet, hosts, allFirewalls, reachability } = judged;
  const warnings = [...judged.guards, ...planWarnings({ built, desired, account, oldNet, newNet, unmanaged, hosts, allFirewalls, kind })];

  const plan: Plan = {
    kind,
    policies: built.map((b) => ({ name: b.policy.name, files: [b.policy.file.path] })),
    tagsToCreate,
    firewalls: changes,
    databases,
    unchangedManaged,
    unmanaged: unmanaged.map((f) => f.name).sort(),
    reachability,
    warnings,
    desired: desired.firewalls,
    peerNames: peerNames(account),
    live: liveFirewalls(account, isManaged),
    ...savedBasis(desired, account, policies.flatMap((p) => p.namedAddresses)),
  };
  return { value: plan, diagnostics };
}

/** Readable names of the account's resources, by the peer text of rules that name them. */
export function peerNames(account: Account): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lb of account.loadBalancers) out[`load-balancer:${lb.id}`] = `load balancer ${lb.name}`;
  for (const c of account.clusters) out[`cluster:${c.id}`] = `cluster ${c.name}`;
  for (const d of account.droplets) out[`droplet:${d.id}`] = `droplet ${d.name} (${d.id})`;
  for (const v of account.vpcs ?? []) {
    const parsed = canonicalAddress(v.ipRange);
    if (parsed) out[parsed] = `vpc ${v.name} (${parsed})`;
  }
  return out;
}

function liveFirewalls(account: Account, isManaged: (fw: LiveFirewall) => boolean): Plan['live'] {
  return account.firewalls
    .map((f) => ({ id: f.id, name: f.name, fingerprint: f.fingerprint, managed: isManaged(f) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
}

/** What a saved plan keeps so that apply can recompute it from the account alone. */
function savedBasis(desired: ResolvedDesired, account: Account, named: readonly Cidr[]): Pick<Plan, 'desiredDatabases' | 'liveDatabases' | 'addressBlocks'> {
  return {
    desiredDatabases: desired.databases.map((d) => ({
      id: d.id,
      name: d.name,
      sources: d.sources.map((s) => ('value' in s ? { type: s.type, value: s.value } : { type: s.type, value: `${s.resource}:${s.name}` })),
    })),
    liveDatabases: account.databases
      .map((d) => ({ id: d.id, name: d.name, fingerprint: databaseFingerprint(d.trustedSources) }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    addressBlocks: [...new Set(named.map((c) => c.text))],
  };
}

/**
 * Who could newly reach whom, who no longer, and the lockout warnings: from the desired state and the
 * account alone, so that `fwc apply PLANFILE` recomputes them from what it will execute.
 */
function judgeChanges(desired: ResolvedDesired, account: Account, unmanaged: readonly LiveFirewall[], policies: readonly Pick<BuiltPolicy['policy'], 'namedAddresses'>[], givenHosts?: readonly Host[]) {
  const access = databaseAccess(account, desired);
  const oldFirewalls = account.firewalls.map((f) => ({ ...f.firewall, name: f.name, tags: f.tags, dropletIds: f.dropletIds }));
  const newFirewalls = [...desired.firewalls, ...unmanaged.map((f) => ({ ...f.firewall, name: f.name, tags: f.tags, dropletIds: f.dropletIds }))];
  // One set of port atoms for both, so that flows compare as bitsets.
  const atoms = Network.atomsOf(oldFirewalls, newFirewalls);
  const oldNet = new Network(oldFirewalls, access.before, atoms);
  const newNet = new Network(newFirewalls, access.after, atoms);
  const allFirewalls = [...oldNet.firewalls, ...desired.firewalls];
  const hosts = givenHosts ?? accountHosts(account, allFirewalls, policies, desired.databases.map((d) => d.name));
  const reachability = reachabilityChanges(oldNet, newNet, hosts);
  const guards = guardWarnings({ account, oldNet, newNet, hosts, allFirewalls });
  return { oldNet, newNet, hosts, allFirewalls, reachability, guards };
}

/**
 * The plan of a saved plan's desired state against the account as it is now: the changes, the
 * reachability and the lockout warnings recomputed from what apply will execute. Warnings that need the
 * policy text (unused tags, DNS, unmanaged firewalls, expectations) cannot be: `others` are kept as saved.
 */
export function replanSaved(input: {
  desired: ResolvedDesired;
  account: Account;
  policies: Plan['policies'];
  addressBlocks: readonly Cidr[];
  otherWarnings: readonly Diagnostic[];
}): Plan {
  const names = input.policies.map((p) => p.name);
  const changes = planChanges(input.desired, input.account, names);
  const isManaged = (fw: LiveFirewall) => changes.managed.includes(fw);
  const judged = judgeChanges(input.desired, input.account, changes.unmanaged, [{ namedAddresses: input.addressBlocks }]);
  return {
    kind: 'plan',
    policies: input.policies,
    tagsToCreate: changes.tagsToCreate,
    firewalls: changes.firewalls,
    databases: changes.databases,
    unchangedManaged: changes.unchangedManaged,
    unmanaged: changes.unmanaged.map((f) => f.name).sort(),
    reachability: judged.reachability,
    warnings: [...judged.guards, ...input.otherWarnings],
    desired: input.desired.firewalls,
    peerNames: peerNames(input.account),
    live: liveFirewalls(input.account, isManaged),
    ...savedBasis(input.desired, input.account, input.addressBlocks),
  };
}

function toTrusted(s: { type: string; value: string }): TrustedSource {
  const type = s.type === 'tag' || s.type === 'ip_addr' || s.type === 'droplet' || s.type === 'k8s' ? s.type : 'tag';
  return { type, value: s.value } as TrustedSource;
}

interface RawFlow {
  readonly from: Host;
  readonly to: Host;
  readonly services: string;
}

// A droplet host that stands for one tag (not a single droplet named by id, whose class key holds `#`).
const tagOf = (h: Host): string | undefined => (h.kind === 'droplet' && h.tags.length === 1 && !h.key.includes('#') ? h.tags[0] : undefined);

/** `anyone (IPv4)` and `anyone (IPv6)` together read as `anyone`. */
function labels(hosts: readonly Host[]): string[] {
  const keys = new Set(hosts.map((h) => h.key));
  const both = keys.has('anyone:4') && keys.has('anyone:6');
  const names = hosts.filter((h) => !(both && h.key.startsWith('anyone:'))).map((h) => h.label);
  return [...(both ? ['anyone'] : []), ...names];
}

/** Groups flows with the same destination and services by source, then those by destination. */
function group(flows: readonly RawFlow[]): FlowChange[] {
  const byDest = new Map<string, { to: Host; services: string; from: Host[] }>();
  for (const f of flows) {
    const key = `${f.to.key}\u0000${f.services}`;
    const g = byDest.get(key) ?? { to: f.to, services: f.services, from: [] };
    g.from.push(f.from);
    byDest.set(key, g);
  }
  const bySource = new Map<string, { from: Host[]; services: string; to: Host[] }>();
  for (const g of byDest.values()) {
    const key = `${g.from.map((h) => h.key).join(',')}\u0000${g.services}`;
    const h = bySource.get(key) ?? { from: g.from, services: g.services, to: [] };
    h.to.push(g.to);
    bySource.set(key, h);
  }
  // The diagram draws tags, and `anyone` (the internet) as one more node.
  const diagramEnds = (hosts: readonly Host[]) => [
    ...(hosts.some((h) => h.key === 'anyone:4') ? ['anyone'] : []),
    ...hosts.map(tagOf).filter((t): t is string => t !== undefined),
  ];
  return [...bySource.values()].map((g) => ({
    from: labels(g.from),
    to: labels(g.to),
    services: g.services,
    fromTags: diagramEnds(g.from),
    toTags: diagramEnds(g.to),
  }));
}

/** Flows gained and lost between two networks, grouped by source, destination and service. */
export function reachabilityChanges(oldNet: Network, newNet: Network, hosts: readonly Host[]): Plan['reachability'] {
  const allowed: RawFlow[] = [];
  const blocked: RawFlow[] = [];
  // The networks share their port atoms (judgeChanges makes them so): flows compare as bitsets, with two
  // buffers for every pair.
  const atoms = oldNet.atoms;
  if (atoms !== newNet.atoms) throw new Error('reachabilityChanges needs two networks made with the same port atoms');
  const before = new Uint32Array(atoms.words);
  const after = new Uint32Array(atoms.words);
  // Flows between droplets and everything else (load balancers and clusters as destinations too: a
  // droplet's outbound rules may name them); databases only receive.
  const wanted = (src: Host, dst: Host) => src.kind !== 'database' && (src.kind === 'droplet' || dst.kind === 'droplet' || dst.kind === 'database');
  forChangedPairs(oldNet, newNet, hosts, wanted, (src, dst) => {
    const services = (set: ServiceSet) => (dst.kind === 'database' ? 'connections' : describe(set));
    oldNet.allowedBits(src, dst, before);
    newNet.allowedBits(src, dst, after);
    if (sameBits(before, after)) return;
    if (!within(after, before)) allowed.push({ from: src, to: dst, services: services(atoms.toServiceSet(difference(after, before))) });
    if (!within(before, after)) blocked.push({ from: src, to: dst, services: services(atoms.toServiceSet(difference(before, after))) });
  });
  return { allowed: group(allowed), blocked: group(blocked) };
}
