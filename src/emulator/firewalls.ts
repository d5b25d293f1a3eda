/**
 * The firewall endpoints: create, read, list, replace (PUT), delete, and the rule, tag and droplet
 * sub-resources, with DigitalOcean's checks and limits. NOTE: DO-API-FACTS.md 2–4.
 */
import type { ApiFirewall } from '../api/index.js';
import type { Behaviour } from './behaviour.js';
import { ApiFailure, notFound, unprocessable } from './errors.js';
import { MAX_ENTRIES, MAX_RULES, canonicalIpv6, entryCount, missingTag, presentRule, ruleIdentity, shapeKey, storeRule } from './firewallRules.js';
import { findTag, type EmulatorState, type StoredFirewall, type StoredRule, type StoredTargets } from './state.js';

export const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9.-]+$/;
/** DigitalOcean's limits per firewall (DO-API-FACTS.md 3). */
export const MAX_TAGS = 5;
export const MAX_DROPLETS = 10;

export interface FirewallContext {
  readonly state: EmulatorState;
  readonly behaviour: Behaviour;
  readonly now: () => number;
  readonly settleMs: number;
  readonly newId: () => string;
  readonly order: <T>(xs: readonly T[]) => T[];
}

function find(ctx: FirewallContext, id: string): StoredFirewall {
  const fw = ctx.state.firewalls.find((f) => f.id === id);
  if (!fw) throw notFound();
  return fw;
}

/** The droplets a firewall applies to: those carrying one of its tags, and those it names. */
function dropletsOf(state: EmulatorState, fw: StoredFirewall): number[] {
  const tags = new Set(fw.tags.map((t) => t.toLowerCase()));
  const ids = new Set(fw.droplet_ids);
  for (const d of state.droplets) if (d.tags.some((t) => tags.has(t.toLowerCase()))) ids.add(d.id);
  return [...ids].sort((a, b) => a - b);
}

function changed(ctx: FirewallContext, fw: StoredFirewall, before: number[] = []): void {
  fw.changed_at = ctx.now();
  fw.pending = [...new Set([...before, ...dropletsOf(ctx.state, fw)])].sort((a, b) => a - b);
}

export function presentFirewall(ctx: FirewallContext, fw: StoredFirewall): ApiFirewall {
  const waiting = ctx.now() - fw.changed_at < ctx.settleMs;
  return {
    id: fw.id,
    name: fw.name,
    status: waiting ? 'waiting' : 'succeeded',
    created_at: fw.created_at,
    pending_changes: waiting ? fw.pending.map((droplet_id) => ({ droplet_id, removing: false, status: 'waiting' })) : [],
    inbound_rules: ctx.order(fw.inbound.map((r) => presentRule(r, 'inbound', ctx.behaviour, ctx.order))),
    outbound_rules: ctx.order(fw.outbound.map((r) => presentRule(r, 'outbound', ctx.behaviour, ctx.order))),
    droplet_ids: ctx.order(fw.droplet_ids),
    tags: ctx.order(fw.tags),
  };
}

function checkName(ctx: FirewallContext, name: unknown, self?: StoredFirewall): string {
  if (typeof name !== 'string' || name === '') throw unprocessable('name is required');
  if (!NAME_PATTERN.test(name)) throw unprocessable(`name must match ${NAME_PATTERN.source}`);
  const taken = ctx.state.firewalls.some((f) => f !== self && f.name.toLowerCase() === name.toLowerCase());
  if (taken) throw new ApiFailure(ctx.behaviour.duplicateNameStatus, ctx.behaviour.duplicateNameStatus === 409 ? 'conflict' : 'unprocessable_entity', 'duplicate name');
  return name;
}

function checkTags(ctx: FirewallContext, raw: unknown): string[] {
  const tags = raw === undefined || raw === null ? [] : (raw as unknown[]).map(String);
  const out: string[] = [];
  for (const tag of tags) {
    const existing = findTag(ctx.state, tag);
    if (!existing) throw missingTag(tag, ctx.behaviour);
    if (!out.some((t) => t.toLowerCase() === existing.toLowerCase())) out.push(existing);
  }
  return out;
}

function checkDroplets(ctx: FirewallContext, raw: unknown): number[] {
  const ids = raw === undefined || raw === null ? [] : (raw as unknown[]);
  for (const id of ids) {
    if (typeof id !== 'number' || !ctx.state.droplets.some((d) => d.id === id)) throw unprocessable(`droplet ${String(id)} does not exist`);
  }
  return [...new Set(ids as number[])];
}

function checkRules(ctx: FirewallContext, raw: unknown, direction: 'inbound' | 'outbound'): StoredRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw unprocessable(`${direction}_rules must be a list`);
  const rules = raw.map((r) => storeRule(ctx.state, r, direction, ctx.behaviour));
  const seen = new Set<string>();
  for (const r of rules) {
    const id = ruleIdentity(r);
    // NOTE: a request holding the same rule twice is refused as a whole (github.com/kelda/kelda/pull/1227).
    if (seen.has(id)) throw unprocessable('duplicate rules in the request');
    seen.add(id);
  }
  return rules;
}

function checkLimits(fw: { inbound: StoredRule[]; outbound: StoredRule[]; tags: string[]; droplet_ids: number[] }): void {
  if (fw.inbound.length + fw.outbound.length > MAX_RULES) throw unprocessable(`a firewall can have at most ${MAX_RULES} rules`);
  if (fw.tags.length > MAX_TAGS) throw unprocessable(`a firewall must have no more than ${MAX_TAGS} tags`);
  if (fw.droplet_ids.length > MAX_DROPLETS) throw unprocessable(`a firewall must have no more than ${MAX_DROPLETS} droplets`);
}

interface FirewallBody {
  name?: unknown;
  inbound_rules?: unknown;
  outbound_rules?: unknown;
  tags?: unknown;
  droplet_ids?: unknown;
}

export function createFirewall(ctx: FirewallContext, body: FirewallBody): Record<string, unknown> {
  // NOTE: `null` is no rule list: godo (FirewallRequest, no omitempty) sends `"inbound_rules": null` and
  // `"outbound_rules": null` for a request without rules, which the API decodes as absent.
  const given = (rules: unknown) => rules !== undefined && rules !== null;
  if (!given(body.inbound_rules) && !given(body.outbound_rules)) throw unprocessable('must have at least one inbound or outbound rule');
  const fw: StoredFirewall = {
    id: ctx.newId(),
    name: checkName(ctx, body.name),
    created_at: new Date(ctx.now()).toISOString().replace(/\.\d+Z$/, 'Z'),
    inbound: checkRules(ctx, body.inbound_rules, 'inbound'),
    outbound: checkRules(ctx, body.outbound_rules, 'outbound'),
    tags: checkTags(ctx, body.tags),
    droplet_ids: checkDroplets(ctx, body.droplet_ids),
    changed_at: 0,
    pending: [],
  };
  checkLimits(fw);
  ctx.state.firewalls.push(fw);
  changed(ctx, fw);
  return { firewall: presentFirewall(ctx, fw) };
}

export function getFirewall(ctx: FirewallContext, id: string): Record<string, unknown> {
  return { firewall: presentFirewall(ctx, find(ctx, id)) };
}

/** PUT: the request is the whole firewall; what it leaves out is cleared (DO-API-FACTS.md 4). */
export function replaceFirewall(ctx: FirewallContext, id: string, body: FirewallBody): Record<string, unknown> {
  const fw = find(ctx, id);
  const before = dropletsOf(ctx.state, fw);
  const next = {
    name: checkName(ctx, body.name, fw),
    inbound: checkRules(ctx, body.inbound_rules, 'inbound'),
    outbound: checkRules(ctx, body.outbound_rules, 'outbound'),
    tags: checkTags(ctx, body.tags),
    droplet_ids: checkDroplets(ctx, body.droplet_ids),
  };
  checkLimits(next);
  Object.assign(fw, next);
  changed(ctx, fw, before);
  return { firewall: presentFirewall(ctx, fw) };
}

export function deleteFirewall(ctx: FirewallContext, id: string): void {
  const fw = find(ctx, id);
  ctx.state.firewalls = ctx.state.firewalls.filter((f) => f !== fw);
}

function mergeTargets(into: StoredTargets, from: StoredTargets): void {
  const add = <K extends keyof StoredTargets>(key: K) => {
    const extra = from[key];
    if (!extra) return;
    const list = (into[key] ?? []) as (string | number)[];
    for (const x of extra) if (!list.includes(x)) list.push(x);
    (into as Record<string, unknown>)[key] = list;
  };
  add('addresses');
  add('droplet_ids');
  add('load_balancer_uids');
  add('kubernetes_ids');
  add('tags');
}

export function addRules(ctx: FirewallContext, id: string, body: FirewallBody): void {
  const fw = find(ctx, id);
  const incoming = {
    inbound: checkRules(ctx, body.inbound_rules, 'inbound'),
    outbound: checkRules(ctx, body.outbound_rules, 'outbound'),
  };
  const next = { inbound: structuredClone(fw.inbound), outbound: structuredClone(fw.outbound) };
  for (const direction of ['inbound', 'outbound'] as const) {
    for (const rule of incoming[direction]) {
      const present = next[direction].some((r) => ruleIdentity(r) === ruleIdentity(rule));
      if (present && ctx.behaviour.duplicateRule === 'error') throw unprocessable('rule already exists');
      if (present && ctx.behaviour.duplicateRule === 'noop') continue;
      const same = ctx.behaviour.ruleStorage === 'merge' ? next[direction].find((r) => shapeKey(r) === shapeKey(rule)) : undefined;
      if (same) {
        mergeTargets(same.targets, rule.targets);
        if (entryCount(same.targets) > MAX_ENTRIES) throw unprocessable(`a rule's targets may hold at most ${MAX_ENTRIES} entries`);
      } else {
        next[direction].push(rule);
      }
    }
  }
  checkLimits({ ...next, tags: fw.tags, droplet_ids: fw.droplet_ids });
  fw.inbound = next.inbound;
  fw.outbound = next.outbound;
  changed(ctx, fw);
}

/**
 * DELETE /rules: each rule of the body is matched against the stored form (protocol, ports as stored,
 * action) and its entries are taken out of the matching stored rules; a rule left empty disappears.
 * NOTE: a removal with `ports: "all"` does not match a rule stored as `"0"` (github.com/mondoohq/cnspec/pull/3839).
 */
export function removeRules(ctx: FirewallContext, id: string, body: FirewallBody): void {
  const fw = find(ctx, id);
  for (const direction of ['inbound', 'outbound'] as const) {
    const raw = direction === 'inbound' ? body.inbound_rules : body.outbound_rules;
    if (!Array.isArray(raw)) continue;
    for (const r of raw as Record<string, unknown>[]) {
      const protocol = String(r.protocol);
      const ports = protocol === 'icmp' ? '0' : r.ports === undefined ? null : String(r.ports);
      const action = r.action === 'deny' ? 'deny' : 'allow';
      const targets = (direction === 'inbound' ? r.sources : r.destinations) as StoredTargets | undefined;
      if (ports === null || !targets || typeof targets !== 'object') continue;
      const stored = direction === 'inbound' ? fw.inbound : fw.outbound;
      for (const s of stored) {
        if (s.protocol !== protocol || s.ports !== ports || (s.action ?? 'allow') !== action) continue;
        const t = s.targets;
        const drop = <T>(list: T[] | undefined, gone: T[] | undefined, eq: (a: T, b: T) => boolean) =>
          list?.filter((x) => !(gone ?? []).some((g) => eq(x, g)));
        // An API that reads addresses back canonically also matches them so (it shows no other spelling).
        const sameAddress = ctx.behaviour.ipv6ReadBack === 'canonical' ? (a: string, b: string) => canonicalIpv6(a) === canonicalIpv6(String(b)) : (a: string, b: string) => a === b;
        t.addresses = drop(t.addresses, targets.addresses, sameAddress);
        t.droplet_ids = drop(t.droplet_ids, targets.droplet_ids, (a, b) => a === b);
        t.load_balancer_uids = drop(t.load_balancer_uids, targets.load_balancer_uids, (a, b) => a === b);
        t.kubernetes_ids = drop(t.kubernetes_ids, targets.kubernetes_ids, (a, b) => a === b);
        t.tags = drop(t.tags, targets.tags, (a, b) => a.toLowerCase() === String(b).toLowerCase());
        for (const key of Object.keys(t) as (keyof StoredTargets)[]) if ((t[key] as unknown[] | undefined)?.length === 0) delete t[key];
      }
      const kept = stored.filter((s) => entryCount(s.targets) > 0);
      if (direction === 'inbound') fw.inbound = kept;
      else fw.outbound = kept;
    }
  }
  changed(ctx, fw);
}

export function addTags(ctx: FirewallContext, id: string, body: { tags?: unknown }): void {
  const fw = find(ctx, id);
  const tags = checkTags(ctx, body.tags);
  const next = [...fw.tags];
  for (const t of tags) if (!next.some((x) => x.toLowerCase() === t.toLowerCase())) next.push(t);
  checkLimits({ ...fw, tags: next });
  fw.tags = next;
  changed(ctx, fw);
}

export function removeTags(ctx: FirewallContext, id: string, body: { tags?: unknown }): void {
  const fw = find(ctx, id);
  const before = dropletsOf(ctx.state, fw);
  const gone = new Set(((body.tags as unknown[]) ?? []).map((t) => String(t).toLowerCase()));
  fw.tags = fw.tags.filter((t) => !gone.has(t.toLowerCase()));
  changed(ctx, fw, before);
}

export function addDroplets(ctx: FirewallContext, id: string, body: { droplet_ids?: unknown }): void {
  const fw = find(ctx, id);
  const ids = checkDroplets(ctx, body.droplet_ids);
  const next = [...new Set([...fw.droplet_ids, ...ids])];
  checkLimits({ ...fw, droplet_ids: next });
  fw.droplet_ids = next;
  changed(ctx, fw);
}

export function removeDroplets(ctx: FirewallContext, id: string, body: { droplet_ids?: unknown }): void {
  const fw = find(ctx, id);
  const before = dropletsOf(ctx.state, fw);
  const gone = new Set((body.droplet_ids as unknown[]) ?? []);
  fw.droplet_ids = fw.droplet_ids.filter((d) => !gone.has(d));
  changed(ctx, fw, before);
}

/** GET /v2/droplets/{id}/firewalls: the firewalls that apply to one droplet. */
export function firewallsOfDroplet(ctx: FirewallContext, dropletId: number): StoredFirewall[] {
  if (!ctx.state.droplets.some((d) => d.id === dropletId)) throw notFound();
  return ctx.state.firewalls.filter((fw) => dropletsOf(ctx.state, fw).includes(dropletId));
}
