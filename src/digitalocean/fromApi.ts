/**
 * Live firewalls in fwc's canonical form, so that equal firewalls compare equal whatever the API's
 * spelling: ports `"0"`/`"all"`/`"1-65535"`/`""`/missing for all ports, ICMP ports ignored, rule and
 * entry order, empty vs missing vs null lists, `1.2.3.4` vs `1.2.3.4/32`, IPv6 spellings, missing
 * `action` (allow), tag case. NOTE: DO-API-FACTS.md 2.2 and 2.3, pain points 1, 3, 5, 11, 12, 30.
 */
import { createHash } from 'node:crypto';
import { ALL_PORTS, canonicalAddress, canonicalRules, FINGERPRINT_LENGTH, type Firewall, parseAddress, type Peer, portRange, type Ports, type Rule, ruleKey } from '../model/index.js';
import type { LiveFirewall } from '../plan/index.js';

export interface ApiTargetLike {
  addresses?: readonly string[] | null;
  droplet_ids?: readonly number[] | null;
  load_balancer_uids?: readonly string[] | null;
  kubernetes_ids?: readonly string[] | null;
  tags?: readonly string[] | null;
}

export interface ApiRuleLike {
  protocol?: string;
  ports?: string | null;
  action?: string | null;
  sources?: ApiTargetLike | null;
  destinations?: ApiTargetLike | null;
}

export interface ApiFirewallLike {
  id?: string;
  name?: string;
  status?: string;
  inbound_rules?: readonly ApiRuleLike[] | null;
  outbound_rules?: readonly ApiRuleLike[] | null;
  droplet_ids?: readonly number[] | null;
  tags?: readonly string[] | null;
  pending_changes?: readonly { droplet_id?: number; status?: string }[] | null;
}

/** A live firewall: canonical, with the rules exactly as the API stores them (for removals). */
export interface ReadFirewall extends LiveFirewall {
  readonly status: string;
  readonly pendingChanges: number;
  readonly stored: { readonly inbound: readonly ApiRuleLike[]; readonly outbound: readonly ApiRuleLike[] };
  /** What could not be understood (kept out of the canonical rules, never a crash). */
  readonly problems: readonly string[];
}

/** Whether fwc can read a stored rule's protocol and ports (else the rule is drift, removed verbatim). */
export function readableRule(r: ApiRuleLike): boolean {
  const protocol = String(r.protocol ?? '');
  return (protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp') && portsFromApi(protocol, r.ports) !== null;
}

/** Ports as fwc means them, from any spelling the API uses; null for a spelling it does not know. */
export function portsFromApi(protocol: string, ports: string | null | undefined): Ports | null {
  if (protocol === 'icmp') return ALL_PORTS;
  const text = (ports ?? '').trim();
  if (text === '' || text === '0' || text === 'all') return ALL_PORTS;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const from = Number(m[1]);
  const to = Number(m[2] ?? m[1]);
  if (from < 1 || to > 65535 || from > to) return null;
  return portRange(from, to);
}

/** The peers of a sources/destinations object, with what could not be read. */
export function peersFromApi(target: ApiTargetLike | null | undefined): { peers: Peer[]; problems: string[] } {
  const peers: Peer[] = [];
  const problems: string[] = [];
  for (const a of target?.addresses ?? []) {
    const text = canonicalAddress(String(a));
    const parsed = text === null ? null : parseAddress(text);
    if (parsed?.ok) peers.push({ kind: 'address', cidr: parsed.cidr });
    else problems.push(`address ${JSON.stringify(a)} is not an address`);
  }
  for (const t of target?.tags ?? []) peers.push({ kind: 'tag', name: String(t) });
  for (const id of target?.droplet_ids ?? []) peers.push({ kind: 'droplet', id: Number(id) });
  for (const id of target?.load_balancer_uids ?? []) peers.push({ kind: 'load-balancer', id: String(id) });
  for (const id of target?.kubernetes_ids ?? []) peers.push({ kind: 'kubernetes', id: String(id) });
  return { peers, problems };
}

/** The atomic rules of API rules (any order, any spelling). */
export function rulesFromApi(rules: readonly ApiRuleLike[] | null | undefined, direction: 'inbound' | 'outbound'): { rules: Rule[]; problems: string[] } {
  const out: Rule[] = [];
  const problems: string[] = [];
  for (const r of rules ?? []) {
    const protocol = String(r.protocol ?? '');
    // A rule fwc cannot read is not a problem but drift: firewallFromApi keeps it for removal.
    if (protocol !== 'tcp' && protocol !== 'udp' && protocol !== 'icmp') continue;
    const ports = portsFromApi(protocol, r.ports);
    if (!ports) continue;
    // NOTE: `action` is new (2026-09); absent means allow (OA firewall_rule.yml).
    const action = r.action === 'deny' ? 'deny' : 'allow';
    const target = direction === 'inbound' ? r.sources : r.destinations;
    const peers = peersFromApi(target);
    problems.push(...peers.problems);
    for (const peer of peers.peers) out.push({ direction, protocol, ports, peer, action, origins: [] });
  }
  return { rules: out, problems };
}

/** A stable hash of what a firewall is: equal across reads that differ in order or spelling only. */
export function fingerprint(name: string, tags: readonly string[], dropletIds: readonly number[], rules: readonly Rule[]): string {
  const doc = {
    name,
    tags: tags.map((t) => t.toLowerCase()).sort(),
    dropletIds: [...dropletIds].sort((a, b) => a - b),
    rules: rules.map(ruleKey).sort(),
  };
  return createHash('sha256').update(JSON.stringify(doc)).digest('hex').slice(0, FINGERPRINT_LENGTH);
}

export function firewallFromApi(raw: ApiFirewallLike): ReadFirewall {
  const inbound = rulesFromApi(raw.inbound_rules, 'inbound');
  const outbound = rulesFromApi(raw.outbound_rules, 'outbound');
  const name = String(raw.name ?? '');
  const tags = [...(raw.tags ?? [])].map(String);
  const dropletIds = [...(raw.droplet_ids ?? [])].map(Number);
  const firewall: Firewall = { name, tags, dropletIds, rules: canonicalRules([...inbound.rules, ...outbound.rules]) };
  // Rules whose protocol or ports fwc cannot read (`TCP`, `sctp`, `22,3389`): kept in their stored form,
  // so that the plan shows them as drift and apply removes them exactly as stored.
  const unreadable = (['inbound', 'outbound'] as const).flatMap((direction) =>
    (raw[`${direction}_rules`] ?? []).filter((r) => !readableRule(r)).map((stored) => ({
      direction,
      stored,
      reason: ['tcp', 'udp', 'icmp'].includes(String(stored.protocol)) ? `ports ${JSON.stringify(stored.ports)} are not understood` : `protocol ${JSON.stringify(stored.protocol)} is not understood`,
    })),
  );
  const print = fingerprint(name, tags, dropletIds, firewall.rules);
  return {
    id: String(raw.id ?? ''),
    name,
    tags,
    dropletIds,
    firewall,
    // Unreadable rules change the fingerprint too (a saved plan is stale when they change).
    fingerprint: unreadable.length === 0 ? print : createHash('sha256').update(print + JSON.stringify(unreadable.map((u) => [u.direction, u.stored]))).digest('hex').slice(0, FINGERPRINT_LENGTH),
    ...(unreadable.length > 0 ? { unreadable } : {}),
    status: String(raw.status ?? 'succeeded'),
    storedRules: (raw.inbound_rules ?? []).length + (raw.outbound_rules ?? []).length,
    pendingChanges: (raw.pending_changes ?? []).length,
    stored: { inbound: raw.inbound_rules ?? [], outbound: raw.outbound_rules ?? [] },
    problems: [...inbound.problems, ...outbound.problems],
  };
}
