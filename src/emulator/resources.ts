/**
 * The endpoints around firewalls: tags, droplets, load balancers, Kubernetes clusters, databases and
 * their trusted sources. Responses carry every field the OpenAPI schemas require, with plausible values.
 */
import ipaddr from 'ipaddr.js';
import type { ApiDroplet, ApiKubernetesCluster, ApiNetworkV4, ApiVpc } from '../api/index.js';
import { ApiFailure, badRequest, notFound, unprocessable } from './errors.js';
import { findTag, type Database, type DatabaseRule, type Droplet, type EmulatorState } from './state.js';

export const TAG_PATTERN = /^[a-zA-Z0-9_\-:]+$/;
/** DigitalOcean's longest tag name (DO-API-FACTS.md 3). */
export const MAX_TAG_LENGTH = 255;
/** DigitalOcean's limit of trusted sources per database cluster (DO-API-FACTS.md 3). */
export const MAX_DATABASE_RULES = 100;

const REGION = (slug: string) => ({
  name: slug === 'nyc3' ? 'New York 3' : slug,
  slug,
  features: ['backups', 'ipv6', 'metadata'],
  available: true,
  sizes: ['s-1vcpu-1gb', 's-2vcpu-4gb'],
});

const SIZE = {
  slug: 's-1vcpu-1gb',
  memory: 1024,
  vcpus: 1,
  disk: 25,
  transfer: 1,
  price_monthly: 6,
  price_hourly: 0.00893,
  regions: ['nyc3'],
  available: true,
  description: 'Basic',
};

export function presentDroplet(d: Droplet): ApiDroplet {
  const v4: ApiNetworkV4[] = [];
  if (d.public_ipv4) v4.push({ ip_address: d.public_ipv4, netmask: '255.255.240.0', gateway: d.public_ipv4.replace(/\.\d+$/, '.1'), type: 'public' });
  if (d.private_ipv4) v4.push({ ip_address: d.private_ipv4, netmask: '255.255.0.0', gateway: d.private_ipv4.replace(/\.\d+$/, '.1'), type: 'private' });
  const v6 = d.public_ipv6 ? [{ ip_address: d.public_ipv6, netmask: 64, gateway: d.public_ipv6.replace(/[0-9a-f]*$/, '1'), type: 'public' as const }] : [];
  return {
    id: d.id,
    name: d.name,
    memory: 1024,
    vcpus: 1,
    disk: 25,
    locked: false,
    status: 'active',
    created_at: d.created_at,
    features: d.public_ipv6 ? ['ipv6', 'private_networking'] : ['private_networking'],
    backup_ids: [],
    next_backup_window: null,
    snapshot_ids: [],
    image: { id: 6918990, name: '24.04 (LTS) x64', distribution: 'Ubuntu', slug: 'ubuntu-24-04-x64', public: true, regions: ['nyc3'], type: 'base' },
    volume_ids: [],
    size: SIZE,
    size_slug: SIZE.slug,
    networks: { v4, v6 },
    region: REGION(d.region),
    tags: d.tags,
    ...(d.vpc_uuid ? { vpc_uuid: d.vpc_uuid } : {}),
    ...(d.gpu ? { gpu_info: { count: 1, vram: { amount: 80, unit: 'gib' }, model: 'nvidia_h100' } } : {}),
  };
}

/** Not typed as the contract's `tags`: its schema misspells `images` as `imgages`, and DigitalOcean sends `images`. */
export function presentTag(state: EmulatorState, name: string): Record<string, unknown> {
  const droplets = state.droplets.filter((d) => d.tags.some((t) => t.toLowerCase() === name.toLowerCase()));
  const databases = 0;
  return {
    name,
    resources: {
      count: droplets.length + databases,
      ...(droplets.length > 0 ? { last_tagged_uri: `https://api.digitalocean.com/v2/droplets/${droplets[droplets.length - 1]!.id}` } : {}),
      droplets: { count: droplets.length },
      images: { count: 0 },
      volumes: { count: 0 },
      volume_snapshots: { count: 0 },
      databases: { count: databases },
    },
  };
}

/**
 * POST /v2/tags. NOTE: creating a tag that exists (in any case) returns the existing one, case kept;
 * Terraform relies on this (DO-API-FACTS.md 4, "creating tags").
 */
export function createTag(state: EmulatorState, body: { name?: unknown }): string {
  const name = typeof body.name === 'string' ? body.name : '';
  if (name === '' || name.length > MAX_TAG_LENGTH || !TAG_PATTERN.test(name)) {
    throw new ApiFailure(400, 'bad_request', `name: must consist of letters, numbers, colons, dashes and underscores, at most ${MAX_TAG_LENGTH} characters`, [
      `invalid tag name ${JSON.stringify(name)}`,
    ]);
  }
  const existing = findTag(state, name);
  if (existing) return existing;
  state.tags.push(name);
  return name;
}

export function getTag(state: EmulatorState, name: string): Record<string, unknown> {
  const tag = findTag(state, name);
  if (!tag) throw notFound();
  return { tag: presentTag(state, tag) };
}

/** Deleting a tag untags every droplet and firewall that had it. */
export function deleteTag(state: EmulatorState, name: string): void {
  const tag = findTag(state, name);
  if (!tag) throw notFound();
  const lower = tag.toLowerCase();
  state.tags = state.tags.filter((t) => t !== tag);
  for (const d of state.droplets) d.tags = d.tags.filter((t) => t.toLowerCase() !== lower);
  for (const fw of state.firewalls) fw.tags = fw.tags.filter((t) => t.toLowerCase() !== lower);
}

/** GET /v2/droplets: non-GPU droplets unless `type=gpus`; `tag_name` filters and excludes `name`/`type`. */
export function listDroplets(state: EmulatorState, query: URLSearchParams): Droplet[] {
  const tag = query.get('tag_name');
  const type = query.get('type');
  const name = query.get('name');
  if (tag !== null && (type !== null || name !== null)) throw badRequest('tag_name cannot be combined with name or type');
  if (type !== null && type !== 'droplets' && type !== 'gpus') throw badRequest('type must be droplets or gpus');
  return state.droplets.filter((d) => {
    if (tag !== null) return d.tags.some((t) => t.toLowerCase() === tag.toLowerCase());
    if (name !== null && d.name !== name) return false;
    return type === 'gpus' ? d.gpu : !d.gpu;
  });
}

export function presentVpc(v: EmulatorState['vpcs'][number]): ApiVpc {
  return { id: v.id, urn: `do:vpc:${v.id}`, name: v.name, description: v.description, region: v.region, ip_range: v.ip_range, default: v.default, created_at: v.created_at };
}

/** GET /v2/vpcs/{id}. */
export function getVpc(state: EmulatorState, id: string): Record<string, unknown> {
  const vpc = (state.vpcs ?? []).find((v) => v.id === id);
  if (!vpc) throw notFound();
  return { vpc: presentVpc(vpc) };
}

/** Not typed as ApiLoadBalancer: that alias is `load_balancer_base`, which has no `region`. */
export function presentLoadBalancer(lb: EmulatorState['load_balancers'][number]): Record<string, unknown> {
  return {
    id: lb.id,
    name: lb.name,
    ip: lb.ip,
    status: 'active',
    created_at: '2026-01-01T00:00:00Z',
    size_unit: 1,
    algorithm: 'round_robin',
    region: REGION(lb.region),
    forwarding_rules: [{ entry_protocol: 'http', entry_port: 80, target_protocol: 'http', target_port: 8080 }],
    redirect_http_to_https: false,
    enable_proxy_protocol: false,
  };
}

export function presentCluster(c: EmulatorState['kubernetes_clusters'][number]): ApiKubernetesCluster {
  return {
    id: c.id,
    name: c.name,
    region: c.region,
    version: '1.31.1-do.0',
    cluster_subnet: '10.244.0.0/16',
    service_subnet: '10.245.0.0/16',
    tags: ['k8s', `k8s:${c.id}`],
    node_pools: [
      {
        id: `${c.id.slice(0, 24)}000000000001`,
        name: 'default-pool',
        size: 's-2vcpu-4gb',
        count: c.node_droplet_ids.length,
        tags: ['k8s', `k8s:${c.id}`, 'k8s:worker'],
        nodes: c.node_droplet_ids.map((id, i) => ({
          id: `${c.id.slice(0, 24)}${String(i + 1).padStart(12, '0')}`,
          name: `default-pool-${i + 1}`,
          status: { state: 'running' },
          droplet_id: String(id),
          created_at: '2026-01-01T00:00:00Z',
          updated_at: '2026-01-01T00:00:00Z',
        })),
      },
    ],
    status: { state: 'running' },
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}

/** Not typed as ApiDatabaseCluster: a seed's engine may be any name (state.ts, Database). */
export function presentDatabase(db: Database): Record<string, unknown> {
  return {
    id: db.id,
    name: db.name,
    engine: db.engine,
    version: db.engine === 'pg' ? '16' : '8',
    num_nodes: 1,
    size: 'db-s-1vcpu-1gb',
    region: db.region,
    status: 'online',
    created_at: '2026-01-01T00:00:00Z',
    tags: [],
    connection: { host: `${db.name}-do-user-1-0.db.ondigitalocean.com`, port: 25060, ssl: true },
    private_connection: { host: `private-${db.name}-do-user-1-0.db.ondigitalocean.com`, port: 25060, ssl: true },
  };
}

export function findDatabase(state: EmulatorState, id: string): Database {
  const db = state.databases.find((d) => d.id === id);
  if (!db) throw notFound();
  return db;
}

/**
 * PUT /v2/databases/{uuid}/firewall: the list replaces the trusted sources. Rules sent back with their
 * uuid keep it; new ones get one. NOTE: at most 100 rules and no IPv6 (DO-API-FACTS.md 3 and 6).
 */
export function replaceDatabaseRules(state: EmulatorState, id: string, body: { rules?: unknown }, newId: () => string, now: () => number): void {
  const db = findDatabase(state, id);
  if (!Array.isArray(body.rules)) throw unprocessable('rules must be a list');
  if (body.rules.length > MAX_DATABASE_RULES) throw unprocessable(`a database can have at most ${MAX_DATABASE_RULES} trusted sources`);
  const next: DatabaseRule[] = [];
  for (const raw of body.rules as Record<string, unknown>[]) {
    const type = String(raw.type);
    const value = String(raw.value ?? '');
    switch (type) {
      case 'ip_addr':
        if (!ipaddr.isValid(value.split('/')[0]!) || value.includes(':')) throw unprocessable(`invalid ip_addr ${value}: IPv4 addresses only`);
        break;
      case 'tag':
        if (!findTag(state, value)) throw unprocessable(`tag ${value} does not exist`);
        break;
      case 'droplet':
        if (!state.droplets.some((d) => String(d.id) === value)) throw unprocessable(`droplet ${value} does not exist`);
        break;
      case 'k8s':
        if (!state.kubernetes_clusters.some((c) => c.id === value)) throw unprocessable(`kubernetes cluster ${value} does not exist`);
        break;
      case 'app':
        break;
      default:
        throw unprocessable(`invalid type ${type}`);
    }
    const kept = typeof raw.uuid === 'string' ? db.rules.find((r) => r.uuid === raw.uuid) : undefined;
    next.push({
      uuid: kept?.uuid ?? newId(),
      cluster_uuid: db.id,
      type: type as DatabaseRule['type'],
      value,
      created_at: kept?.created_at ?? new Date(now()).toISOString().replace(/\.\d+Z$/, 'Z'),
      ...(typeof raw.description === 'string' ? { description: raw.description } : {}),
    });
  }
  db.rules = next;
}
