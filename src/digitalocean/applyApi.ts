/**
 * The apply executor's view of DigitalOcean (ApplyApi), over the client. Rule changes are built from the
 * form DigitalOcean stored, read just before: it matches removals against exactly that (a removal of
 * `ports: "all"` does not match a rule stored as `"0"`: DO-API-FACTS.md 2.2, github.com/mondoohq/cnspec/pull/3839),
 * and it may keep the entries of several canonical rules in one stored rule, or one rule's in several.
 */
import { canonicalRules, groupRules, parseAddress, type Peer, peerHolds, portsFrom, portsTo, type Rule, ruleHolds, ruleKey } from '../model/index.js';
import type { ApplyApi } from './apply.js';
import type { DigitalOceanClient } from './client.js';
import { firewallFromApi, portsFromApi, readableRule, type ApiFirewallLike, type ApiRuleLike, type ApiTargetLike } from './fromApi.js';
import { rulesToApi, type ApiFirewallBody, type ApiRuleBody } from '../compile/index.js';

type Field = keyof ApiTargetLike;
type Stored = { readonly inbound: readonly ApiRuleLike[]; readonly outbound: readonly ApiRuleLike[] };
type RulesBody = { inbound_rules: ApiRuleBody[]; outbound_rules: ApiRuleBody[] };

const FIELDS: Field[] = ['addresses', 'droplet_ids', 'load_balancer_uids', 'kubernetes_ids', 'tags'];

/** The peer of one stored entry (null for an address fwc cannot read). */
function entryPeer(field: Field, value: string | number): Peer | null {
  switch (field) {
    case 'addresses': {
      const parsed = parseAddress(String(value).trim());
      if (parsed.ok) return { kind: 'address', cidr: parsed.cidr };
      // An address with host bits set that the API accepted stands for its network.
      const masked = !parsed.ok && parsed.reason === 'host-bits' && parsed.masked ? parseAddress(parsed.masked) : null;
      return masked?.ok ? { kind: 'address', cidr: masked.cidr } : null;
    }
    case 'tags':
      return { kind: 'tag', name: String(value) };
    case 'droplet_ids':
      return { kind: 'droplet', id: Number(value) };
    case 'load_balancer_uids':
      return { kind: 'load-balancer', id: String(value) };
    case 'kubernetes_ids':
      return { kind: 'kubernetes', id: String(value) };
  }
}

function peersOverlap(a: Peer, b: Peer): boolean {
  return peerHolds(a, b) || peerHolds(b, a);
}

const sameShape = (a: Omit<Rule, 'origins'>, b: Omit<Rule, 'origins'>) => a.direction === b.direction && a.protocol === b.protocol && a.action === b.action;
const portsOverlap = (a: Rule['ports'], b: Rule['ports']) => portsFrom(a) <= portsTo(b) && portsFrom(b) <= portsTo(a);

/** One stored entry: an atomic rule, and where it sits in the stored rule (to send it back as stored). */
interface StoredEntry {
  readonly rule: Omit<Rule, 'origins'>;
  readonly stored: ApiRuleLike;
  readonly field: Field;
  readonly value: string | number;
}

/** Every entry DigitalOcean stores, each as an atomic rule. Rules fwc cannot read are left out. */
function storedEntries(stored: Stored): StoredEntry[] {
  const out: StoredEntry[] = [];
  for (const direction of ['inbound', 'outbound'] as const) {
    for (const s of stored[direction]) {
      if (!readableRule(s)) continue;
      const protocol = String(s.protocol ?? '') as Rule['protocol'];
      const ports = portsFromApi(protocol, s.ports)!;
      const action = s.action === 'deny' ? 'deny' : 'allow';
      const target = (direction === 'inbound' ? s.sources : s.destinations) ?? {};
      for (const field of FIELDS) {
        for (const value of (target[field] ?? []) as readonly (string | number)[]) {
          const peer = entryPeer(field, value);
          if (peer) out.push({ rule: { direction, protocol, ports, peer, action }, stored: s, field, value });
        }
      }
    }
  }
  return out;
}

/**
 * The DELETE /rules body that takes `rules` (canonical atoms the plan removes) out of the stored rules,
 * leaving what `keep` (the firewall as the proof has it after the step) allows. A stored entry goes when
 * it overlaps a removed rule and no kept rule holds it whole. So the firewall then allows exactly what
 * `keep` allows, however the entries are stored: an entry that overlaps nothing removed lies within
 * what is kept, and every entry that makes up a kept rule lies within one kept rule (the proof is in
 * test/digitalocean/removal.test.ts). Entries are sent back exactly as stored (ports, spelling, action).
 */
export function removalBody(stored: Stored, rules: readonly Rule[], keep: readonly Rule[]): RulesBody {
  const kept = canonicalRules(keep);
  const chosen = new Map<ApiRuleLike, Map<Field, (string | number)[]>>();
  for (const e of storedEntries(stored)) {
    const removed = rules.some((r) => sameShape(r, e.rule) && portsOverlap(r.ports, e.rule.ports) && peersOverlap(r.peer, e.rule.peer));
    if (!removed) continue;
    const held = kept.some((k) => ruleHolds(k, e.rule));
    if (held) continue;
    let fields = chosen.get(e.stored);
    if (!fields) chosen.set(e.stored, (fields = new Map()));
    const values = fields.get(e.field) ?? [];
    if (!values.includes(e.value)) values.push(e.value);
    fields.set(e.field, values);
  }
  const out: RulesBody = { inbound_rules: [], outbound_rules: [] };
  for (const direction of ['inbound', 'outbound'] as const) {
    for (const s of stored[direction]) {
      // A rule fwc cannot read is drift: every removal from its firewall takes it out, exactly as stored.
      if (!readableRule(s)) {
        (direction === 'inbound' ? out.inbound_rules : out.outbound_rules).push(s as ApiRuleBody);
        continue;
      }
      const fields = chosen.get(s);
      if (!fields) continue;
      const protocol = String(s.protocol) as Rule['protocol'];
      const body: ApiRuleBody = { protocol };
      // ICMP is sent without ports, as godo sends it; tcp/udp with ports exactly as stored.
      if (protocol !== 'icmp') body.ports = String(s.ports ?? '');
      if (s.action === 'deny' || s.action === 'allow') body.action = s.action;
      const take = Object.fromEntries(FIELDS.filter((f) => fields.has(f)).map((f) => [f, fields.get(f)!]));
      if (direction === 'inbound') body.sources = take as ApiRuleBody['sources'];
      else body.destinations = take as ApiRuleBody['destinations'];
      (direction === 'inbound' ? out.inbound_rules : out.outbound_rules).push(body);
    }
  }
  return out;
}

/** The rules of `rules` that the firewall does not store yet (an entry of the same canonical key). */
export function missingRules(stored: Stored, rules: readonly Rule[]): Rule[] {
  const have = new Set(storedEntries(stored).map((e) => ruleKey(e.rule)));
  return rules.filter((r) => !have.has(ruleKey(r)));
}

const storedOf = (raw: ApiFirewallLike): Stored => ({ inbound: raw.inbound_rules ?? [], outbound: raw.outbound_rules ?? [] });

export function applyApi(client: DigitalOceanClient): ApplyApi {
  const getRaw = async (id: string) => (await client.request<{ firewall: ApiFirewallLike }>('firewalls_get', { params: { firewall_id: id } })).body.firewall;
  return {
    async createTag(name) {
      await client.request('tags_create', { body: { name } });
    },
    async createFirewall(body) {
      const { body: created } = await client.request<{ firewall: { id: string } }>('firewalls_create', { body });
      return { id: created.firewall.id };
    },
    async findFirewall(name) {
      const all = await client.listAll<ApiFirewallLike>('firewalls_list', 'firewalls');
      const raw = all.find((f) => String(f.name).toLowerCase() === name.toLowerCase());
      return raw ? { id: String(raw.id), firewall: firewallFromApi(raw).firewall } : null;
    },
    async replaceFirewall(id: string, body: ApiFirewallBody) {
      await client.request('firewalls_update', { params: { firewall_id: id }, body });
    },
    async addRules(id, rules) {
      // Only what is not stored yet: a retried request may have been carried out already, and an API
      // that refuses a rule it holds would refuse the whole request.
      const raw = await getRaw(id);
      const missing = missingRules(storedOf(raw), rules);
      if (missing.length === 0) return 0;
      await client.request('firewalls_add_rules', { params: { firewall_id: id }, body: rulesToApi(groupRules(missing)) });
      return 1;
    },
    async removeRules(id, rules, keep) {
      const raw = await getRaw(id);
      const body = removalBody(storedOf(raw), rules, keep);
      if (body.inbound_rules.length + body.outbound_rules.length === 0) return 0;
      await client.request('firewalls_delete_rules', { params: { firewall_id: id }, body });
      return 1;
    },
    async addTags(id, tags) {
      await client.request('firewalls_add_tags', { params: { firewall_id: id }, body: { tags } });
    },
    async removeTags(id, tags) {
      await client.request('firewalls_delete_tags', { params: { firewall_id: id }, body: { tags } });
    },
    async addDroplets(id, ids) {
      await client.request('firewalls_assign_droplets', { params: { firewall_id: id }, body: { droplet_ids: ids } });
    },
    async removeDroplets(id, ids) {
      await client.request('firewalls_delete_droplets', { params: { firewall_id: id }, body: { droplet_ids: ids } });
    },
    async deleteFirewall(id) {
      await client.request('firewalls_delete', { params: { firewall_id: id } });
    },
    async replaceDatabaseRules(id, rules) {
      await client.request('databases_update_firewall_rules', { params: { database_cluster_uuid: id }, body: { rules } });
    },
  };
}
