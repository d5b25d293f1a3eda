/**
 * The apply executor's view of DigitalOcean (ApplyApi), over the client. Removals are built from the
 * form DigitalOcean stored, since it matches removals against exactly that (a removal of `ports: "all"`
 * does not match a rule stored as `"0"`: DO-API-FACTS.md 2.2, github.com/mondoohq/cnspec/pull/3839).
 */
import { canonicalAddress } from '../compile/addresses.js';
import { peerKey, portsFrom, portsTo } from '../compile/rules.js';
import type { Rule } from '../compile/types.js';
import type { ApplyApi } from './apply.js';
import type { DigitalOceanClient } from './client.js';
import { firewallFromApi, portsFromApi, readableRule, type ApiFirewallLike, type ApiRuleLike, type ApiTargetLike } from './fromApi.js';
import type { ApiFirewallBody, ApiRuleBody } from './toApi.js';

type Field = keyof ApiTargetLike;

/** The canonical key of one stored entry, as peerKey gives it for the same peer. */
function entryKey(field: Field, value: string | number): string | null {
  switch (field) {
    case 'addresses': {
      const text = canonicalAddress(String(value));
      return text === null ? null : `addr:${text}`;
    }
    case 'tags':
      return `tag:${String(value).toLowerCase()}`;
    case 'droplet_ids':
      return `droplet:${value}`;
    case 'load_balancer_uids':
      return `lb:${value}`;
    case 'kubernetes_ids':
      return `k8s:${value}`;
  }
}

const FIELDS: Field[] = ['addresses', 'droplet_ids', 'load_balancer_uids', 'kubernetes_ids', 'tags'];

/** The DELETE /rules body that takes `rules` (canonical atoms) out of the stored rules. */
export function removalBody(stored: { inbound: readonly ApiRuleLike[]; outbound: readonly ApiRuleLike[] }, rules: readonly Rule[]): { inbound_rules: ApiRuleBody[]; outbound_rules: ApiRuleBody[] } {
  const out = { inbound_rules: [] as ApiRuleBody[], outbound_rules: [] as ApiRuleBody[] };
  for (const direction of ['inbound', 'outbound'] as const) {
    const wanted = rules.filter((r) => r.direction === direction);
    for (const s of stored[direction]) {
      // A rule fwc cannot read is drift: every removal from its firewall takes it out, exactly as stored.
      if (!readableRule(s)) {
        (direction === 'inbound' ? out.inbound_rules : out.outbound_rules).push(s as ApiRuleBody);
        continue;
      }
      const protocol = String(s.protocol ?? '') as Rule['protocol'];
      const ports = portsFromApi(protocol, s.ports)!;
      const action = s.action === 'deny' ? 'deny' : 'allow';
      const target = (direction === 'inbound' ? s.sources : s.destinations) ?? {};
      const take: Record<string, (string | number)[]> = {};
      let count = 0;
      for (const field of FIELDS) {
        const values = (target[field] ?? []) as readonly (string | number)[];
        const chosen = values.filter((v) => {
          const key = entryKey(field, v);
          // This stored entry belongs to a rule being removed when the rule's interval holds the entry's.
          return wanted.some(
            (r) =>
              r.protocol === protocol &&
              r.action === action &&
              peerKey(r.peer) === key &&
              portsFrom(r.ports) <= portsFrom(ports) &&
              portsTo(ports) <= portsTo(r.ports),
          );
        });
        if (chosen.length > 0) {
          take[field] = chosen;
          count += chosen.length;
        }
      }
      if (count === 0) continue;
      const body: ApiRuleBody = { protocol };
      // ICMP is sent without ports, as godo sends it; tcp/udp with ports exactly as stored.
      if (protocol !== 'icmp') body.ports = String(s.ports ?? '');
      if (action === 'deny') body.action = 'deny';
      if (direction === 'inbound') body.sources = take as ApiRuleBody['sources'];
      else body.destinations = take as ApiRuleBody['destinations'];
      (direction === 'inbound' ? out.inbound_rules : out.outbound_rules).push(body);
    }
  }
  return out;
}

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
      await client.request('firewalls_add_rules', { params: { firewall_id: id }, body: rules });
    },
    async removeRules(id, rules) {
      const raw = await getRaw(id);
      const body = removalBody({ inbound: raw.inbound_rules ?? [], outbound: raw.outbound_rules ?? [] }, rules);
      if (body.inbound_rules.length + body.outbound_rules.length === 0) return;
      await client.request('firewalls_delete_rules', { params: { firewall_id: id }, body });
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
