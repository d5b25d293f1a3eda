/**
 * The emulated account: what DigitalOcean stores, in the form it stores it (ports as written, rules as
 * sent), kept in memory and optionally in a JSON file written atomically after every change.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** A rule's targets as stored: the fields of `sources`/`destinations`. */
export interface StoredTargets {
  addresses?: string[];
  droplet_ids?: number[];
  load_balancer_uids?: string[];
  kubernetes_ids?: string[];
  tags?: string[];
}

export interface StoredRule {
  protocol: 'tcp' | 'udp' | 'icmp';
  /** As DigitalOcean keeps it: `"0"` for all ports and for ICMP, ranges and `"1-65535"` as written. */
  ports: string;
  /** Absent means allow. */
  action?: 'allow' | 'deny';
  targets: StoredTargets;
}

export interface StoredFirewall {
  id: string;
  name: string;
  created_at: string;
  inbound: StoredRule[];
  outbound: StoredRule[];
  droplet_ids: number[];
  tags: string[];
  /** When the firewall last changed (ms since the epoch); `status` is `waiting` until settled. */
  changed_at: number;
  /** The droplets a change concerned, reported in `pending_changes` while waiting. */
  pending: number[];
}

export interface Droplet {
  id: number;
  name: string;
  tags: string[];
  region: string;
  public_ipv4?: string;
  private_ipv4?: string;
  public_ipv6?: string;
  /** The VPC the droplet's private address is in. */
  vpc_uuid?: string;
  gpu: boolean;
  created_at: string;
}

export interface Vpc {
  id: string;
  name: string;
  region: string;
  ip_range: string;
  description: string;
  default: boolean;
  created_at: string;
}

export interface LoadBalancer {
  id: string;
  name: string;
  ip: string;
  region: string;
}

export interface KubernetesCluster {
  id: string;
  name: string;
  region: string;
  node_droplet_ids: number[];
}

export interface DatabaseRule {
  uuid: string;
  cluster_uuid: string;
  type: 'droplet' | 'k8s' | 'ip_addr' | 'tag' | 'app';
  value: string;
  created_at: string;
  description?: string;
}

export interface Database {
  id: string;
  name: string;
  engine: string;
  region: string;
  rules: DatabaseRule[];
}

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

export function emptyState(): EmulatorState {
  return { firewalls: [], tags: [], droplets: [], load_balancers: [], kubernetes_clusters: [], databases: [], vpcs: [], next_droplet_id: 100001 };
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
