/**
 * Seed files: the account an emulator starts with — tokens, tags, droplets, load balancers, Kubernetes
 * clusters, databases and firewalls — in JSON or YAML (format in src/emulator/README.md). Every mistake
 * is reported with where it is (`droplets[2].tags`) and what was expected.
 */
import { readFileSync } from 'node:fs';
import ipaddr from 'ipaddr.js';
import { parse as parseYaml } from 'yaml';
import type { Scopes, TokenSpec } from './auth.js';
import { DEFAULT_BEHAVIOUR } from './behaviour.js';
import { ApiFailure } from './errors.js';
import { storeRule } from './firewallRules.js';
import { NAME_PATTERN } from './firewalls.js';
import { TAG_PATTERN } from './resources.js';
import { emptyState, findTag, type EmulatorState } from './state.js';

export interface SeedDroplet {
  id?: number;
  name: string;
  tags?: string[];
  region?: string;
  public_ipv4?: string;
  private_ipv4?: string;
  public_ipv6?: string;
  gpu?: boolean;
}

export interface SeedData {
  tokens?: { token: string; scopes: Scopes }[];
  tags?: string[];
  droplets?: SeedDroplet[];
  load_balancers?: { id?: string; name: string; ip?: string; region?: string }[];
  kubernetes_clusters?: { id?: string; name: string; region?: string; node_droplet_ids?: number[] }[];
  databases?: { id?: string; name: string; engine?: string; region?: string; trusted_sources?: { type: string; value: string }[] }[];
  firewalls?: { name: string; tags?: string[]; droplet_ids?: number[]; inbound_rules?: unknown[]; outbound_rules?: unknown[] }[];
  vpcs?: { id?: string; name: string; ip_range: string; region?: string; description?: string; default?: boolean }[];
}

export class SeedError extends Error {}

/** Reads a seed file (JSON or YAML). */
export function readSeedFile(path: string): SeedData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SeedError(`cannot read seed file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    const data = parseYaml(text) as unknown;
    if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new SeedError(`${path}: a seed file is a mapping (tokens, tags, droplets, …)`);
    return data as SeedData;
  } catch (error) {
    if (error instanceof SeedError) throw error;
    throw new SeedError(`${path} is not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

const KEYS = ['tokens', 'tags', 'vpcs', 'droplets', 'load_balancers', 'kubernetes_clusters', 'databases', 'firewalls'];

function fail(where: string, what: string): never {
  throw new SeedError(`seed ${where}: ${what}`);
}

function list(data: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = data[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(key, 'must be a list');
  return v.map((x, i) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : fail(`${key}[${i}]`, 'must be a mapping')));
}

function str(x: Record<string, unknown>, key: string, where: string, optional = false): string | undefined {
  const v = x[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') fail(`${where}.${key}`, 'must be a non-empty string');
  return v;
}

function ip(x: Record<string, unknown>, key: string, where: string, family: 'ipv4' | 'ipv6'): string | undefined {
  const v = str(x, key, where, true);
  if (v !== undefined && (!ipaddr.isValid(v) || ipaddr.parse(v).kind() !== family)) fail(`${where}.${key}`, `must be an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  return v;
}

/** Builds the starting state of an account from seed data; also returns the seed's tokens. */
export function applySeed(data: SeedData, newId: () => string): { state: EmulatorState; tokens: TokenSpec[] } {
  const raw = data as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!KEYS.includes(key)) fail(key, `is not a seed section (${KEYS.join(', ')})`);
  const state = emptyState();
  const addTag = (name: string, where: string) => {
    if (!TAG_PATTERN.test(name) || name.length > 255) fail(where, `tag ${JSON.stringify(name)} may hold letters, digits, -, _ and : only`);
    if (!findTag(state, name)) state.tags.push(name);
    return findTag(state, name)!;
  };

  const tokens: TokenSpec[] = list(raw, 'tokens').map((t, i) => {
    const where = `tokens[${i}]`;
    const token = str(t, 'token', where)!;
    const scopes = t.scopes;
    if (scopes !== 'all' && scopes !== 'read' && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string' && /^[a-z_]+:[a-z_*]+$/.test(s)))) {
      fail(`${where}.scopes`, 'must be all, read, or a list of scopes like firewall:read');
    }
    return { token, scopes: scopes as Scopes };
  });

  const vpcOf = (d: Record<string, unknown>, where: string): { vpc_uuid?: string } => {
    const named = str(d, 'vpc_uuid', where, true);
    const region = str(d, 'region', where, true) ?? 'nyc3';
    const vpc = named !== undefined ? state.vpcs.find((v) => v.id === named || v.name === named) : state.vpcs.find((v) => v.default && v.region === region);
    if (named !== undefined && !vpc) fail(`${where}.vpc_uuid`, `VPC ${named} is not in vpcs`);
    return vpc ? { vpc_uuid: vpc.id } : {};
  };

  const tagList = raw.tags === undefined ? [] : Array.isArray(raw.tags) ? raw.tags : fail('tags', 'must be a list of names');
  tagList.forEach((t, i) => (typeof t === 'string' ? addTag(t, `tags[${i}]`) : fail(`tags[${i}]`, 'must be a name')));

  // VPCs first: droplets name theirs by id or name (`vpc_uuid`) and otherwise join their region's default.
  for (const [i, v] of list(raw, 'vpcs').entries()) {
    const where = `vpcs[${i}]`;
    const name = str(v, 'name', where)!;
    if (!/^[a-zA-Z0-9.-]+$/.test(name)) fail(`${where}.name`, 'may hold letters, digits, - and . only');
    if (state.vpcs.some((x) => x.name === name)) fail(`${where}.name`, `VPC name ${name} is used twice`);
    const range = str(v, 'ip_range', where)!;
    const parsed = ipaddr.isValidCIDR(range) ? ipaddr.parseCIDR(range) : null;
    if (!parsed || parsed[0].kind() !== 'ipv4' || parsed[1] < 16 || parsed[1] > 24) fail(`${where}.ip_range`, 'must be an IPv4 CIDR block from /16 to /24');
    state.vpcs.push({
      id: str(v, 'id', where, true) ?? newId(),
      name,
      region: str(v, 'region', where, true) ?? 'nyc3',
      ip_range: range,
      description: str(v, 'description', where, true) ?? '',
      default: v.default === true,
      created_at: '2026-01-01T00:00:00Z',
    });
  }

  for (const [i, d] of list(raw, 'droplets').entries()) {
    const where = `droplets[${i}]`;
    const id = d.id === undefined ? state.next_droplet_id++ : typeof d.id === 'number' && Number.isInteger(d.id) && d.id > 0 ? d.id : fail(`${where}.id`, 'must be a positive integer');
    if (state.droplets.some((x) => x.id === id)) fail(`${where}.id`, `droplet id ${id} is used twice`);
    state.next_droplet_id = Math.max(state.next_droplet_id, id + 1);
    const tags = d.tags === undefined ? [] : Array.isArray(d.tags) ? d.tags.map((t, j) => (typeof t === 'string' ? addTag(t, `${where}.tags[${j}]`) : fail(`${where}.tags[${j}]`, 'must be a name'))) : fail(`${where}.tags`, 'must be a list');
    state.droplets.push({
      id,
      name: str(d, 'name', where)!,
      tags,
      region: str(d, 'region', where, true) ?? 'nyc3',
      ...(ip(d, 'public_ipv4', where, 'ipv4') ? { public_ipv4: d.public_ipv4 as string } : {}),
      ...(ip(d, 'private_ipv4', where, 'ipv4') ? { private_ipv4: d.private_ipv4 as string } : {}),
      ...(ip(d, 'public_ipv6', where, 'ipv6') ? { public_ipv6: d.public_ipv6 as string } : {}),
      ...vpcOf(d, where),
      gpu: d.gpu === true,
      created_at: '2026-01-01T00:00:00Z',
    });
  }

  for (const [i, lb] of list(raw, 'load_balancers').entries()) {
    const where = `load_balancers[${i}]`;
    state.load_balancers.push({ id: str(lb, 'id', where, true) ?? newId(), name: str(lb, 'name', where)!, ip: ip(lb, 'ip', where, 'ipv4') ?? `198.51.100.${200 + i}`, region: str(lb, 'region', where, true) ?? 'nyc3' });
  }

  for (const [i, c] of list(raw, 'kubernetes_clusters').entries()) {
    const where = `kubernetes_clusters[${i}]`;
    const id = str(c, 'id', where, true) ?? newId();
    const nodes = c.node_droplet_ids === undefined ? [] : Array.isArray(c.node_droplet_ids) ? (c.node_droplet_ids as unknown[]) : fail(`${where}.node_droplet_ids`, 'must be a list of droplet ids');
    for (const n of nodes) {
      const droplet = state.droplets.find((d) => d.id === n);
      if (!droplet) fail(`${where}.node_droplet_ids`, `droplet ${String(n)} is not in droplets`);
      // NOTE: DOKS nodes carry the tags k8s and k8s:<cluster-id> (DO-API-FACTS.md 4, "DOKS nodes in a firewall").
      for (const t of ['k8s', `k8s:${id}`]) if (!droplet.tags.includes(t)) droplet.tags.push(addTag(t, where));
    }
    state.kubernetes_clusters.push({ id, name: str(c, 'name', where)!, region: str(c, 'region', where, true) ?? 'nyc3', node_droplet_ids: nodes as number[] });
  }

  for (const [i, db] of list(raw, 'databases').entries()) {
    const where = `databases[${i}]`;
    const id = str(db, 'id', where, true) ?? newId();
    const sources = db.trusted_sources === undefined ? [] : Array.isArray(db.trusted_sources) ? (db.trusted_sources as Record<string, unknown>[]) : fail(`${where}.trusted_sources`, 'must be a list');
    state.databases.push({
      id,
      name: str(db, 'name', where)!,
      engine: str(db, 'engine', where, true) ?? 'pg',
      region: str(db, 'region', where, true) ?? 'nyc3',
      rules: sources.map((s, j) => {
        const type = str(s, 'type', `${where}.trusted_sources[${j}]`)!;
        if (!['droplet', 'k8s', 'ip_addr', 'tag', 'app'].includes(type)) fail(`${where}.trusted_sources[${j}].type`, 'must be droplet, k8s, ip_addr, tag or app');
        return { uuid: newId(), cluster_uuid: id, type: type as 'tag', value: str(s, 'value', `${where}.trusted_sources[${j}]`)!, created_at: '2026-01-01T00:00:00Z' };
      }),
    });
  }

  for (const [i, f] of list(raw, 'firewalls').entries()) {
    const where = `firewalls[${i}]`;
    const name = str(f, 'name', where)!;
    if (!NAME_PATTERN.test(name)) fail(`${where}.name`, `must match ${NAME_PATTERN.source}`);
    try {
      const rules = (key: string, direction: 'inbound' | 'outbound') =>
        (Array.isArray(f[key]) ? (f[key] as unknown[]) : []).map((r) => storeRule(state, r, direction, DEFAULT_BEHAVIOUR));
      const tags = (Array.isArray(f.tags) ? (f.tags as string[]) : []).map((t) => findTag(state, t) ?? fail(`${where}.tags`, `tag ${t} is not declared (add it to tags or to a droplet)`));
      state.firewalls.push({
        id: newId(),
        name,
        created_at: '2026-01-01T00:00:00Z',
        inbound: rules('inbound_rules', 'inbound'),
        outbound: rules('outbound_rules', 'outbound'),
        tags,
        droplet_ids: Array.isArray(f.droplet_ids) ? (f.droplet_ids as number[]) : [],
        changed_at: 0,
        pending: [],
      });
    } catch (error) {
      if (error instanceof ApiFailure) fail(where, error.message);
      throw error;
    }
  }
  return { state, tokens };
}
