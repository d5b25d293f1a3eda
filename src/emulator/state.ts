/**
 * The emulated account: what DigitalOcean stores, in the form it stores it (ports as written, rules as
 * sent), kept in memory and optionally in a JSON file written atomically after every change.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type {
  ApiDatabaseCluster,
  ApiDatabaseRule,
  ApiDroplet,
  ApiFirewall,
  ApiKubernetesCluster,
  ApiLoadBalancer,
  ApiNetworkV4,
  ApiNetworkV6,
  ApiRegion,
  ApiRuleBase,
  ApiTarget,
  ApiVpc,
} from '../api/index.js';

/*
 * The stored shapes are the contract's shapes (src/api, generated from the OpenAPI description), narrowed
 * where DigitalOcean's stored form is stricter than a response: fields the schema marks optional or
 * read-only are always there and writable here, and lists are never `null`. What the contract does not
 * describe (when a firewall changed, the droplets a change concerns, a droplet's flattened addresses, a
 * cluster's node droplets, a database's trusted sources) is added with `&`, with a comment.
 */

/** The stored form: every field the pick names present, writable, and never `null`. */
type Stored<T> = { -readonly [K in keyof T]-?: NonNullable<T[K]> };

/** A rule's targets as stored: the fields of `sources`/`destinations`, each present only when non-empty. */
export type StoredTargets = Partial<Stored<ApiTarget>>;

/**
 * A rule as stored. `ports` as DigitalOcean keeps it: `"0"` for all ports and for ICMP, ranges and
 * `"1-65535"` as written; `action` absent means allow. The targets are kept without their direction.
 */
export type StoredRule = Stored<Pick<ApiRuleBase, 'protocol' | 'ports'>> & Pick<ApiRuleBase, 'action'> & { targets: StoredTargets };

export type StoredFirewall = Stored<Pick<ApiFirewall, 'id' | 'name' | 'created_at' | 'droplet_ids' | 'tags'>> & {
  inbound: StoredRule[];
  outbound: StoredRule[];
  /** When the firewall last changed (ms since the epoch); `status` is `waiting` until settled. */
  changed_at: number;
  /** The droplets a change concerned, reported in `pending_changes` while waiting. */
  pending: number[];
};

/** An address of a droplet's `networks` (the contract nests them; the emulator keeps one of each). */
type Address = NonNullable<ApiNetworkV4['ip_address']>;

export type Droplet = Pick<ApiDroplet, 'id' | 'name' | 'tags' | 'created_at'> & {
  /** The region's slug (the response carries the whole region object). */
  region: ApiRegion['slug'];
  public_ipv4?: Address;
  private_ipv4?: Address;
  public_ipv6?: NonNullable<ApiNetworkV6['ip_address']>;
  /** The VPC the droplet's private address is in. */
  vpc_uuid?: ApiDroplet['vpc_uuid'];
  /** Listed only with `type=gpus`; presented with a `gpu_info`. */
  gpu: boolean;
};

export type Vpc = Stored<Pick<ApiVpc, 'id' | 'name' | 'region' | 'ip_range' | 'description' | 'default' | 'created_at'>>;

export type LoadBalancer = Stored<Pick<ApiLoadBalancer, 'id' | 'name' | 'ip'>> & {
  /** The region's slug (the response carries the whole region object). */
  region: ApiRegion['slug'];
};

export type KubernetesCluster = Stored<Pick<ApiKubernetesCluster, 'id' | 'name' | 'region'>> & {
  /** The droplets of the cluster's one node pool (the response names them as strings in `nodes`). */
  node_droplet_ids: number[];
};

export type DatabaseRule = Stored<Pick<ApiDatabaseRule, 'uuid' | 'cluster_uuid' | 'type' | 'value' | 'created_at'>> & Pick<ApiDatabaseRule, 'description'>;

export type Database = Stored<Pick<ApiDatabaseCluster, 'id' | 'name' | 'region'>> & {
  /**
   * Any engine name a seed gives (the contract lists the engines DigitalOcean offers, but seeds are not
   * checked against that list, and refusing them now would change what the emulator accepts).
   */
  engine: string;
  /** The trusted sources (`GET/PUT /v2/databases/{uuid}/firewall`), kept apart from the cluster. */
  rules: DatabaseRule[];
};

export interface EmulatorState {
  firewalls: StoredFirewall[];
  /** Tags by their first spelling (DigitalOcean tags are case-insensitive but case-stable). */
  tags: string[];
  droplets: Droplet[];
  load_balancers: LoadBalancer[];
  kubernetes_clusters: KubernetesCluster[];
  databases: Database[];
  vpcs: Vpc[];
  /** The next droplet id handed out. */
  next_droplet_id: number;
}

export type EmulatorStateSnapshot = EmulatorState;

/** The first droplet id an empty account hands out (a seed may give its droplets other ids). */
export const FIRST_DROPLET_ID = 100001;

export function emptyState(): EmulatorState {
  return { firewalls: [], tags: [], droplets: [], load_balancers: [], kubernetes_clusters: [], databases: [], vpcs: [], next_droplet_id: FIRST_DROPLET_ID };
}

export function cloneState(state: EmulatorState): EmulatorState {
  return structuredClone(state);
}

/** Finds a tag case-insensitively and returns its stored spelling. */
export function findTag(state: EmulatorState, name: string): string | undefined {
  const lower = name.toLowerCase();
  return state.tags.find((t) => t.toLowerCase() === lower);
}

/**
 * Writes the state to `path` atomically: a temporary file beside it, flushed to disk, then renamed over
 * it. A killed emulator leaves the old file or the new one, never a torn one.
 */
export function persistState(path: string, state: EmulatorState): void {
  // A random name, created exclusively ('wx'): nothing planted beside the state file is written through.
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify({ formatVersion: 1, state }, null, 1));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temp, path);
  } catch (error) {
    try {
      closeSync(fd);
    } catch {
      // closed already
    }
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Reads a state file written by persistState; null when there is none. */
export function loadState(path: string): EmulatorState | null {
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  let doc: { formatVersion?: number; state?: EmulatorState };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch {
    throw new Error(`${path} is not an emulator state file (not JSON)`);
  }
  if (doc.formatVersion !== 1 || !doc.state || !Array.isArray(doc.state.firewalls)) {
    throw new Error(`${path} is not an emulator state file (expected {"formatVersion": 1, "state": …})`);
  }
  return { ...emptyState(), ...doc.state };
}
