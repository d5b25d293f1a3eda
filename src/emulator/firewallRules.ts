/**
 * Firewall rules as DigitalOcean checks and stores them: the body of a request in, the stored form out,
 * and back to the response form. NOTE: sources are DO-API-FACTS.md 2 (rule shape, ports history, read-
 * back), 3 (limits) and 5.2 (error messages).
 */
import ipaddr from 'ipaddr.js';
import type { ApiInboundRule, ApiOutboundRule, ApiRuleBase, ApiTarget } from '../api/index.js';
import type { Behaviour } from './behaviour.js';
import { ApiFailure, unprocessable } from './errors.js';
import { findTag, type EmulatorState, type StoredRule, type StoredTargets } from './state.js';

/** DigitalOcean's limits (DO-API-FACTS.md 3): rules per firewall, and entries in one rule's sources or destinations. */
export const MAX_RULES = 50;
export const MAX_ENTRIES = 1000;
/** The highest TCP/UDP port. */
const MAX_PORT = 65535;
/** A port as written: up to five digits (the range is checked after). */
const PORT_RANGE = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/;

interface RuleBody {
  protocol?: unknown;
  ports?: unknown;
  action?: unknown;
  sources?: unknown;
  destinations?: unknown;
}

/** The stored form of a ports string; throws DigitalOcean's 422 for what it refuses. */
export function storedPorts(protocol: string, ports: unknown, behaviour: Behaviour): string {
  // NOTE: "For ICMP rules this parameter will always return "0"" (OA firewall_rule.yml).
  if (protocol === 'icmp') return '0';
  if (ports === undefined || ports === null) throw unprocessable('You must specify a positive value for ports.');
  const text = String(ports).trim();
  if (text === '0' || text === 'all' || text === '') {
    if ((behaviour.allPortsWrite as string[]).includes(text)) return '0';
    throw unprocessable('You must specify a positive value for ports.');
  }
  const m = PORT_RANGE.exec(text);
  const from = m ? Number(m[1]) : NaN;
  const to = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || from < 1 || to > MAX_PORT || from > to) throw unprocessable('you must specify a valid range for ports');
  return text;
}

export function canonicalIpv6(address: string): string {
  const [addr, prefix] = address.split('/');
  try {
    const text = ipaddr.IPv6.parse(addr!).toString();
    return prefix === undefined ? text : `${text}/${prefix}`;
  } catch {
    return address;
  }
}

function validAddress(text: string): boolean {
  if (text.includes('/')) return ipaddr.isValidCIDR(text);
  return ipaddr.isValid(text) && (text.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(text));
}

/** Checks and stores a sources/destinations object. */
function storedTargets(state: EmulatorState, raw: unknown, field: string, behaviour: Behaviour): StoredTargets {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw unprocessable(`You specified an invalid type for one of the ${field}.`);
  }
  const t = raw as Record<string, unknown>;
  const list = (key: string): unknown[] => {
    const v = t[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw unprocessable(`You specified an invalid type for one of the ${field}.`);
    return v;
  };
  const out: StoredTargets = {};
  const written = list('addresses').map(String);
  for (const a of written) if (!validAddress(a)) throw unprocessable(`invalid address: ${a}`);
  // An API that reads IPv6 back canonically stores it so: removals then match the canonical spelling.
  const addresses = behaviour.ipv6ReadBack === 'canonical' ? written.map((a) => (a.includes(':') ? canonicalIpv6(a) : a)) : written;
  if (addresses.length > 0) out.addresses = addresses;
  const dropletIds = list('droplet_ids');
  for (const id of dropletIds) {
    if (typeof id !== 'number' || !state.droplets.some((d) => d.id === id)) throw unprocessable(`invalid address: droplet ${String(id)} does not exist`);
  }
  if (dropletIds.length > 0) out.droplet_ids = dropletIds as number[];
  const lbs = list('load_balancer_uids').map(String);
  for (const id of lbs) if (!state.load_balancers.some((l) => l.id === id)) throw unprocessable(`invalid load balancer: ${id}`);
  if (lbs.length > 0) out.load_balancer_uids = lbs;
  const clusters = list('kubernetes_ids').map(String);
  for (const id of clusters) if (!state.kubernetes_clusters.some((c) => c.id === id)) throw unprocessable(`invalid kubernetes cluster: ${id}`);
  if (clusters.length > 0) out.kubernetes_ids = clusters;
  const tags = list('tags').map(String);
  const storedTags: string[] = [];
  for (const tag of tags) {
    const existing = findTag(state, tag);
    if (!existing) throw missingTag(tag, behaviour);
    storedTags.push(existing);
  }
  if (storedTags.length > 0) out.tags = storedTags;
  const count = addresses.length + dropletIds.length + lbs.length + clusters.length + tags.length;
  if (count === 0) throw unprocessable(`a rule must have at least one entry in its ${field}`);
  if (count > MAX_ENTRIES) throw unprocessable(`a rule's ${field} may hold at most ${MAX_ENTRIES} entries`);
  return out;
}

export function missingTag(tag: string, behaviour: Behaviour): ApiFailure {
  return behaviour.missingTagStatus === 404
    ? new ApiFailure(404, 'not_found', `tag ${tag} not found`)
    : unprocessable(`tag "${tag}" does not exist; create it first`);
}

/** A rule of a request body, checked and in stored form. */
export function storeRule(state: EmulatorState, body: unknown, direction: 'inbound' | 'outbound', behaviour: Behaviour): StoredRule {
  if (body === null || typeof body !== 'object') throw unprocessable('invalid rule');
  const r = body as RuleBody;
  const protocol = String(r.protocol);
  if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') throw unprocessable(`invalid protocol: ${protocol}`);
  if (r.action !== undefined && r.action !== 'allow' && r.action !== 'deny') throw unprocessable('action must be allow or deny');
  const field = direction === 'inbound' ? 'sources' : 'destinations';
  const rule: StoredRule = {
    protocol,
    ports: storedPorts(protocol, r.ports, behaviour),
    targets: storedTargets(state, direction === 'inbound' ? r.sources : r.destinations, field, behaviour),
  };
  if (r.action !== undefined) rule.action = r.action as 'allow' | 'deny';
  return rule;
}

/** Identity of a stored rule's shape: protocol, stored ports, action (absent = allow). */
export function shapeKey(rule: StoredRule): string {
  return `${rule.protocol} ${rule.ports} ${rule.action ?? 'allow'}`;
}

/** Identity of a stored rule including its targets, order-free. */
export function ruleIdentity(rule: StoredRule): string {
  const t = rule.targets;
  const part = (xs: readonly (string | number)[] | undefined) => [...(xs ?? [])].map(String).sort().join(',');
  return `${shapeKey(rule)} a=${part(t.addresses)} d=${part(t.droplet_ids)} l=${part(t.load_balancer_uids)} k=${part(t.kubernetes_ids)} t=${part(t.tags?.map((x) => x.toLowerCase()))}`;
}

export function entryCount(targets: StoredTargets): number {
  return (targets.addresses?.length ?? 0) + (targets.droplet_ids?.length ?? 0) + (targets.load_balancer_uids?.length ?? 0) + (targets.kubernetes_ids?.length ?? 0) + (targets.tags?.length ?? 0);
}

type Order = <T>(xs: readonly T[]) => T[];

/** The response form of a stored rule, with the read-back quirks the behaviour asks for. */
export function presentRule(rule: StoredRule, direction: 'inbound', behaviour: Behaviour, order: Order): ApiInboundRule;
export function presentRule(rule: StoredRule, direction: 'outbound', behaviour: Behaviour, order: Order): ApiOutboundRule;
export function presentRule(rule: StoredRule, direction: 'inbound' | 'outbound', behaviour: Behaviour, order: Order): ApiInboundRule | ApiOutboundRule {
  const targets: ApiTarget = {};
  const t = rule.targets;
  if (t.addresses) targets.addresses = order(behaviour.ipv6ReadBack === 'canonical' ? t.addresses.map((a) => (a.includes(':') ? canonicalIpv6(a) : a)) : t.addresses);
  if (t.droplet_ids) targets.droplet_ids = order(t.droplet_ids);
  if (t.load_balancer_uids) targets.load_balancer_uids = order(t.load_balancer_uids);
  if (t.kubernetes_ids) targets.kubernetes_ids = order(t.kubernetes_ids);
  if (t.tags) targets.tags = order(t.tags);
  const out: ApiRuleBase = { protocol: rule.protocol, ports: rule.ports };
  const action = rule.action ?? 'allow';
  if (behaviour.actionReadBack === 'always' || action === 'deny') out.action = action;
  return direction === 'inbound' ? Object.assign(out, { sources: targets }) : Object.assign(out, { destinations: targets });
}
