/**
 * Seed files: the account an emulator starts with — tokens, tags, droplets, load balancers, Kubernetes
 * clusters, databases and firewalls — in JSON or YAML (format in src/emulator/README.md). Every mistake
 * is reported with where it is (`droplets[2].tags`) and what was expected. The sections are checked
 * and built in seedSections.ts, their fields read in seedFields.ts.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Scopes, TokenSpec } from './auth.js';
import { fail, SeedError } from './seedFields.js';
import {
  seedDatabases,
  seedDroplets,
  seedFirewalls,
  seedKubernetesClusters,
  seedLoadBalancers,
  seedTags,
  seedTokens,
  seedVpcs,
  type SeedBuilder,
} from './seedSections.js';
import { emptyState, type EmulatorState } from './state.js';

export { SeedError } from './seedFields.js';

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

/** The sections of a seed, in the order they are applied. */
const KEYS = ['tokens', 'tags', 'vpcs', 'droplets', 'load_balancers', 'kubernetes_clusters', 'databases', 'firewalls'];

/** Builds the starting state of an account from seed data; also returns the seed's tokens. */
export function applySeed(data: SeedData, newId: () => string): { state: EmulatorState; tokens: TokenSpec[] } {
  const raw = data as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!KEYS.includes(key)) fail(key, `is not a seed section (${KEYS.join(', ')})`);
  const b: SeedBuilder = { state: emptyState(), newId };
  const tokens = seedTokens(raw);
  seedTags(b, raw);
  // VPCs first: droplets name theirs by id or name (`vpc_uuid`) and otherwise join their region's default.
  seedVpcs(b, raw);
  seedDroplets(b, raw);
  seedLoadBalancers(b, raw);
  seedKubernetesClusters(b, raw);
  seedDatabases(b, raw);
  seedFirewalls(b, raw);
  return { state: b.state, tokens };
}
