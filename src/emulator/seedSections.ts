/**
 * The sections of a seed file, each checked and added to the account being built, in the order
 * applySeed runs them (later sections name what earlier ones made: droplets their VPC, clusters their
 * droplets, firewalls their tags). Ids not given are drawn from the emulator's seeded generator.
 */
import ipaddr from 'ipaddr.js';
import type { Scopes, TokenSpec } from './auth.js';
import { DEFAULT_BEHAVIOUR } from './behaviour.js';
import { ApiFailure } from './errors.js';
import { storeRule } from './firewallRules.js';
import { NAME_PATTERN } from './firewalls.js';
import { MAX_TAG_LENGTH, TAG_PATTERN } from './resources.js';
import { fail, ip, list, str, type SeedMapping } from './seedFields.js';
import { findTag, type DatabaseRule, type EmulatorState } from './state.js';

/** The account being built, and where fresh ids come from. */
export interface SeedBuilder {
  readonly state: EmulatorState;
  readonly newId: () => string;
}

/** The region of anything that names none. */
export const DEFAULT_REGION = 'nyc3';
/** The creation time of everything seeded: fixed, so that runs repeat. */
export const SEED_CREATED_AT = '2026-01-01T00:00:00Z';
/** The VPC sizes the emulator accepts, as DigitalOcean's VPCs: an IPv4 block from /16 to /24. */
const MIN_VPC_PREFIX = 16;
const MAX_VPC_PREFIX = 24;
/** A load balancer without an ip gets 198.51.100.(200 + its index): TEST-NET-2, a documentation range (RFC 5737). */
const LB_ADDRESS_PREFIX = '198.51.100.';
const FIRST_LB_HOST = 200;
/** A scope as DigitalOcean names them: `resource:action`. */
const SCOPE_PATTERN = /^[a-z_]+:[a-z_*]+$/;
const DATABASE_SOURCE_TYPES: readonly DatabaseRule['type'][] = ['droplet', 'k8s', 'ip_addr', 'tag', 'app'];

/** A tag, added if new; returns its stored spelling. */
function addTag(b: SeedBuilder, name: string, where: string): string {
  if (!TAG_PATTERN.test(name) || name.length > MAX_TAG_LENGTH) fail(where, `tag ${JSON.stringify(name)} may hold letters, digits, -, _ and : only`);
  if (!findTag(b.state, name)) b.state.tags.push(name);
  return findTag(b.state, name)!;
}

export function seedTokens(raw: SeedMapping): TokenSpec[] {
  return list(raw, 'tokens').map((t, i) => {
    const where = `tokens[${i}]`;
    const token = str(t, 'token', where)!;
    const scopes = t.scopes;
    if (scopes !== 'all' && scopes !== 'read' && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string' && SCOPE_PATTERN.test(s)))) {
      fail(`${where}.scopes`, 'must be all, read, or a list of scopes like firewall:read');
    }
    return { token, scopes: scopes as Scopes };
  });
}

export function seedTags(b: SeedBuilder, raw: SeedMapping): void {
  const tagList = raw.tags === undefined ? [] : Array.isArray(raw.tags) ? raw.tags : fail('tags', 'must be a list of names');
  tagList.forEach((t, i) => (typeof t === 'string' ? addTag(b, t, `tags[${i}]`) : fail(`tags[${i}]`, 'must be a name')));
}

export function seedVpcs(b: SeedBuilder, raw: SeedMapping): void {
  for (const [i, v] of list(raw, 'vpcs').entries()) {
    const where = `vpcs[${i}]`;
    const name = str(v, 'name', where)!;
    if (!/^[a-zA-Z0-9.-]+$/.test(name)) fail(`${where}.name`, 'may hold letters, digits, - and . only');
    if (b.state.vpcs.some((x) => x.name === name)) fail(`${where}.name`, `VPC name ${name} is used twice`);
    const range = str(v, 'ip_range', where)!;
    const parsed = ipaddr.isValidCIDR(range) ? ipaddr.parseCIDR(range) : null;
    if (!parsed || parsed[0].kind() !== 'ipv4' || parsed[1] < MIN_VPC_PREFIX || parsed[1] > MAX_VPC_PREFIX) {
      fail(`${where}.ip_range`, `must be an IPv4 CIDR block from /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}`);
    }
    b.state.vpcs.push({
      id: str(v, 'id', where, true) ?? b.newId(),
      name,
      region: str(v, 'region', where, true) ?? DEFAULT_REGION,
      ip_range: range,
      description: str(v, 'description', where, true) ?? '',
      default: v.default === true,
      created_at: SEED_CREATED_AT,
    });
  }
}

/** A droplet's VPC: the one it names (by id or name), else its region's default, if there is one. */
function vpcOf(b: SeedBuilder, d: SeedMapping, where: string): { vpc_uuid?: string } {
  const named = str(d, 'vpc_uuid', where, true);
  const region = str(d, 'region', where, true) ?? DEFAULT_REGION;
  const vpc = named !== undefined ? b.state.vpcs.find((v) => v.id === named || v.name === named) : b.state.vpcs.find((v) => v.default && v.region === region);
  if (named !== undefined && !vpc) fail(`${where}.vpc_uuid`, `VPC ${named} is not in vpcs`);
  return vpc ? { vpc_uuid: vpc.id } : {};
}

/** A droplet's id: the one given (unused, positive), else the next free one. */
function dropletId(b: SeedBuilder, d: SeedMapping, where: string): number {
  const { state } = b;
  const id = d.id === undefined ? state.next_droplet_id++ : typeof d.id === 'number' && Number.isInteger(d.id) && d.id > 0 ? d.id : fail(`${where}.id`, 'must be a positive integer');
  if (state.droplets.some((x) => x.id === id)) fail(`${where}.id`, `droplet id ${id} is used twice`);
  state.next_droplet_id = Math.max(state.next_droplet_id, id + 1);
  return id;
}

export function seedDroplets(b: SeedBuilder, raw: SeedMapping): void {
  for (const [i, d] of list(raw, 'droplets').entries()) {
    const where = `droplets[${i}]`;
    const id = dropletId(b, d, where);
    const tags = d.tags === undefined ? [] : Array.isArray(d.tags) ? d.tags.map((t, j) => (typeof t === 'string' ? addTag(b, t, `${where}.tags[${j}]`) : fail(`${where}.tags[${j}]`, 'must be a name'))) : fail(`${where}.tags`, 'must be a list');
    b.state.droplets.push({
      id,
      name: str(d, 'name', where)!,
      tags,
      region: str(d, 'region', where, true) ?? DEFAULT_REGION,
      ...(ip(d, 'public_ipv4', where, 'ipv4') ? { public_ipv4: d.public_ipv4 as string } : {}),
      ...(ip(d, 'private_ipv4', where, 'ipv4') ? { private_ipv4: d.private_ipv4 as string } : {}),
      ...(ip(d, 'public_ipv6', where, 'ipv6') ? { public_ipv6: d.public_ipv6 as string } : {}),
      ...vpcOf(b, d, where),
      gpu: d.gpu === true,
      created_at: SEED_CREATED_AT,
    });
  }
}

export function seedLoadBalancers(b: SeedBuilder, raw: SeedMapping): void {
  for (const [i, lb] of list(raw, 'load_balancers').entries()) {
    const where = `load_balancers[${i}]`;
    b.state.load_balancers.push({
      id: str(lb, 'id', where, true) ?? b.newId(),
      name: str(lb, 'name', where)!,
      ip: ip(lb, 'ip', where, 'ipv4') ?? `${LB_ADDRESS_PREFIX}${FIRST_LB_HOST + i}`,
      region: str(lb, 'region', where, true) ?? DEFAULT_REGION,
    });
  }
}

export function seedKubernetesClusters(b: SeedBuilder, raw: SeedMapping): void {
  for (const [i, c] of list(raw, 'kubernetes_clusters').entries()) {
    const where = `kubernetes_clusters[${i}]`;
    const id = str(c, 'id', where, true) ?? b.newId();
    const nodes = c.node_droplet_ids === undefined ? [] : Array.isArray(c.node_droplet_ids) ? (c.node_droplet_ids as unknown[]) : fail(`${where}.node_droplet_ids`, 'must be a list of droplet ids');
    for (const n of nodes) {
      const droplet = b.state.droplets.find((d) => d.id === n);
      if (!droplet) fail(`${where}.node_droplet_ids`, `droplet ${String(n)} is not in droplets`);
      // NOTE: DOKS nodes carry the tags k8s and k8s:<cluster-id> (DO-API-FACTS.md 4, "DOKS nodes in a firewall").
      for (const t of ['k8s', `k8s:${id}`]) if (!droplet.tags.includes(t)) droplet.tags.push(addTag(b, t, where));
    }
    b.state.kubernetes_clusters.push({ id, name: str(c, 'name', where)!, region: str(c, 'region', where, true) ?? DEFAULT_REGION, node_droplet_ids: nodes as number[] });
  }
}

/** A database's trusted source, as the API stores it. */
function trustedSource(b: SeedBuilder, s: SeedMapping, clusterId: string, where: string): DatabaseRule {
  const type = str(s, 'type', where)!;
  if (!(DATABASE_SOURCE_TYPES as readonly string[]).includes(type)) fail(`${where}.type`, 'must be droplet, k8s, ip_addr, tag or app');
  return { uuid: b.newId(), cluster_uuid: clusterId, type: type as DatabaseRule['type'], value: str(s, 'value', where)!, created_at: SEED_CREATED_AT };
}

export function seedDatabases(b: SeedBuilder, raw: SeedMapping): void {
  for (const [i, db] of list(raw, 'databases').entries()) {
    const where = `databases[${i}]`;
    const id = str(db, 'id', where, true) ?? b.newId();
    const sources = db.trusted_sources === undefined ? [] : Array.isArray(db.trusted_sources) ? (db.trusted_sources as SeedMapping[]) : fail(`${where}.trusted_sources`, 'must be a list');
    b.state.databases.push({
      id,
      name: str(db, 'name', where)!,
      engine: str(db, 'engine', where, true) ?? 'pg',
      region: str(db, 'region', where, true) ?? DEFAULT_REGION,
      rules: sources.map((s, j) => trustedSource(b, s, id, `${where}.trusted_sources[${j}]`)),
    });
  }
}

/** Firewalls are checked as a POST would check them; the API's complaint becomes the seed's. */
export function seedFirewalls(b: SeedBuilder, raw: SeedMapping): void {
  for (const [i, f] of list(raw, 'firewalls').entries()) {
    const where = `firewalls[${i}]`;
    const name = str(f, 'name', where)!;
    if (!NAME_PATTERN.test(name)) fail(`${where}.name`, `must match ${NAME_PATTERN.source}`);
    try {
      seedFirewall(b, f, name, where);
    } catch (error) {
      if (error instanceof ApiFailure) fail(where, error.message);
      throw error;
    }
  }
}

function seedFirewall(b: SeedBuilder, f: SeedMapping, name: string, where: string): void {
  const { state } = b;
  const rules = (key: string, direction: 'inbound' | 'outbound') =>
    (Array.isArray(f[key]) ? (f[key] as unknown[]) : []).map((r) => storeRule(state, r, direction, DEFAULT_BEHAVIOUR));
  const tags = (Array.isArray(f.tags) ? (f.tags as string[]) : []).map((t) => findTag(state, t) ?? fail(`${where}.tags`, `tag ${t} is not declared (add it to tags or to a droplet)`));
  state.firewalls.push({
    id: b.newId(),
    name,
    created_at: SEED_CREATED_AT,
    inbound: rules('inbound_rules', 'inbound'),
    outbound: rules('outbound_rules', 'outbound'),
    tags,
    droplet_ids: Array.isArray(f.droplet_ids) ? (f.droplet_ids as number[]) : [],
    changed_at: 0,
    pending: [],
  });
}
