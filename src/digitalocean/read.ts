/**
 * Reading an account: every firewall, tag, droplet (GPU droplets too), load balancer, Kubernetes cluster,
 * VPC and database with its trusted sources — every page, concurrently, in as few requests as pagination
 * allows — in the shapes the plan works with.
 */
import { parseAddress, type Cidr } from '../model/index.js';
import type { Account, LiveDatabase, LiveDroplet } from '../plan/index.js';
import type { DigitalOceanClient } from './client.js';
import { ApiError } from './errors.js';
import { firewallFromApi, type ApiFirewallLike, type ReadFirewall } from './fromApi.js';

export interface ReadAccount extends Account {
  readonly firewalls: readonly ReadFirewall[];
}

interface ApiDroplet {
  id: number;
  name: string;
  tags?: string[] | null;
  vpc_uuid?: string | null;
  networks?: { v4?: { ip_address?: string }[]; v6?: { ip_address?: string }[] };
}

function addressesOf(d: ApiDroplet): Cidr[] {
  const out: Cidr[] = [];
  for (const n of [...(d.networks?.v4 ?? []), ...(d.networks?.v6 ?? [])]) {
    const parsed = n.ip_address ? parseAddress(n.ip_address) : null;
    if (parsed?.ok) out.push(parsed.cidr);
  }
  return out;
}

/**
 * What fwc cannot do without, beyond what the API description requires: an id and a name on every item
 * it matches by them. Missing, the answer is broken, and nothing is planned from it.
 */
function need<T>(client: DigitalOceanClient, operation: string, items: readonly T[], fields: readonly (keyof T & string)[]): readonly T[] {
  items.forEach((item, i) => {
    for (const field of fields) {
      const v = item[field] as unknown;
      if (v === undefined || v === null || v === '') {
        throw ApiError.badResponse(operation, 'GET', client.baseUrl, 200, `item ${i} of the list has no \`${field}\``, new Headers(), false);
      }
    }
  });
  return items;
}

/** Reads what the plan needs. NOTE: GET /v2/droplets lists GPU droplets only with type=gpus (DO-API-FACTS.md 1). */
export async function readAccount(client: DigitalOceanClient): Promise<ReadAccount> {
  const [firewalls, tags, droplets, gpus, loadBalancers, clusters, databases, vpcs] = await Promise.all([
    client.listAll<ApiFirewallLike>('firewalls_list', 'firewalls').then((l) => need(client, 'firewalls_list', l, ['id', 'name'])),
    client.listAll<{ name: string }>('tags_list', 'tags').then((l) => need(client, 'tags_list', l, ['name'])),
    client.listAll<ApiDroplet>('droplets_list', 'droplets'),
    client.listAll<ApiDroplet>('droplets_list', 'droplets', { type: 'gpus' }),
    client.listAll<{ id: string; name: string; ip?: string }>('loadBalancers_list', 'load_balancers').then((l) => need(client, 'loadBalancers_list', l, ['id', 'name'])),
    client.listAll<{ id: string; name: string }>('kubernetes_list_clusters', 'kubernetes_clusters').then((l) => need(client, 'kubernetes_list_clusters', l, ['id', 'name'])),
    client.request<{ databases?: { id: string; name: string; engine?: string }[] }>('databases_list_clusters').then((r) => {
      if (!Array.isArray(r.body.databases)) throw ApiError.badResponse('databases_list_clusters', 'GET', client.baseUrl, r.status, 'it has no `databases` list', r.headers, false);
      return need(client, 'databases_list_clusters', r.body.databases, ['id', 'name']);
    }),
    // A token with custom scopes may lack vpc:read; only policies that name a VPC need them.
    client.listAll<{ id: string; name: string; ip_range?: string }>('vpcs_list', 'vpcs').then((l) => need(client, 'vpcs_list', l, ['id', 'name'])).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 403) return undefined;
      throw error;
    }),
  ]);
  const liveDatabases: LiveDatabase[] = await Promise.all(
    databases.map(async (db) => {
      const { body, status, headers } = await client.request<{ rules?: { uuid?: string; type: string; value: string }[] }>('databases_list_firewall_rules', {
        params: { database_cluster_uuid: db.id },
      });
      if (!Array.isArray(body.rules)) throw ApiError.badResponse('databases_list_firewall_rules', 'GET', client.baseUrl, status, `the trusted sources of ${db.name} are not a \`rules\` list`, headers, false);
      return {
        id: db.id,
        name: db.name,
        ...(db.engine ? { engine: db.engine } : {}),
        trustedSources: (body?.rules ?? []).map((r) => ({ ...(r.uuid ? { uuid: r.uuid } : {}), type: r.type, value: r.value })),
      };
    }),
  );
  const seen = new Set<number>();
  const liveDroplets: LiveDroplet[] = [];
  for (const d of [...droplets, ...gpus]) {
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    liveDroplets.push({ id: d.id, name: d.name, tags: d.tags ?? [], addresses: addressesOf(d), ...(d.vpc_uuid ? { vpcId: d.vpc_uuid } : {}) });
  }
  return {
    firewalls: firewalls.map(firewallFromApi),
    tags: tags.map((t) => t.name),
    droplets: liveDroplets,
    loadBalancers: loadBalancers.map((l) => ({ id: l.id, name: l.name, ...(l.ip ? { ip: l.ip } : {}) })),
    clusters: clusters.map((c) => ({ id: c.id, name: c.name })),
    databases: liveDatabases,
    ...(vpcs ? { vpcs: vpcs.filter((v) => typeof v.ip_range === 'string').map((v) => ({ id: v.id, name: v.name, ipRange: v.ip_range! })) } : {}),
  };
}
