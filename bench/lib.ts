// Shared pieces of the benchmarks: statistics and table printing, seeded accounts of any size, the
// emulator run as a separate process (the built `fwc emulator`, so that it does not share an event loop
// with what is measured), and running the built CLI under /usr/bin/time for wall time and peak memory.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry, SeedData } from '../src/emulator/index.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FWC = join(ROOT, 'bin', 'fwc.js');
export const QUICK = process.env.FWC_BENCH_QUICK === '1';
export const TOKEN = 'bench-token';

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Prints rows as an aligned table (first column left-aligned, the rest right-aligned). */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const cells = [header, ...rows].map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(1)) : c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  for (const r of cells) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
}

/** A scratch folder, removed when the process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwc-bench-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The tag names test/helpers/generatePolicy.ts declares, so that seeded accounts match generated policies. */
export function tagName(i: number): string {
  return i % 7 === 3 ? `t_${i}` : i % 11 === 5 ? `env:t${i}` : `t${i}`;
}

/** Ids of the seeded load balancers and clusters (the droplet named `legacy` is id 1). */
export const RESOURCE_IDS: Record<string, string> = {
  lb1: '0b0e0000-0000-4000-8000-000000000001',
  lb2: '0b0e0000-0000-4000-8000-000000000002',
  lb3: '0b0e0000-0000-4000-8000-000000000003',
  k1: '0c1a0000-0000-4000-8000-000000000001',
  k2: '0c1a0000-0000-4000-8000-000000000002',
};

export interface AccountSize {
  readonly tags: number;
  readonly droplets: number;
  /** Unmanaged firewalls (named `legacy-N`, one tag and two rules each). */
  readonly firewalls: number;
  /** Every Nth droplet carries a second tag (default 3; 0: one tag each). Distinct tag sets drive plan cost. */
  readonly secondTagEvery?: number;
  /** Databases db0, db1, … (default 3). */
  readonly databases?: number;
  /** Extra firewalls to seed as they are (e.g. the ones a policy manages). */
  readonly extraFirewalls?: SeedData['firewalls'];
}

/**
 * An account with droplets spread over the tags, a few load balancers, clusters and databases (with the
 * names generated policies use: lb1, k1, droplet "legacy", databases db0…), and firewalls.
 */
export function seedAccount(size: AccountSize): SeedData {
  const tags = Array.from({ length: size.tags }, (_, i) => tagName(i));
  const every = size.secondTagEvery ?? 3;
  const ip = (i: number, base: number) => `10.${base + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
  const droplets = Array.from({ length: size.droplets }, (_, i) => ({
    id: i + 1,
    name: i === 0 ? 'legacy' : `d${i + 1}`,
    tags: [tags[i % tags.length]!, ...(every > 0 && i % every === 0 ? [tags[(i * 7 + 1) % tags.length]!] : [])].filter((t, j, a) => a.indexOf(t) === j),
    public_ipv4: ip(i, 100),
    private_ipv4: ip(i, 200),
  }));
  const firewalls = Array.from({ length: size.firewalls }, (_, i) => ({
    name: `legacy-${i}`,
    tags: [tags[i % tags.length]!],
    inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.0/24'] } }],
    outbound_rules: [{ protocol: 'tcp', ports: '443', destinations: { addresses: ['0.0.0.0/0'] } }],
  }));
  return {
    tokens: [{ token: TOKEN, scopes: 'all' }],
    tags,
    droplets,
    load_balancers: ['lb1', 'lb2', 'lb3'].map((name) => ({ id: RESOURCE_IDS[name]!, name })),
    kubernetes_clusters: [
      { id: RESOURCE_IDS.k1!, name: 'k1', node_droplet_ids: [2, 3, 4] },
      { id: RESOURCE_IDS.k2!, name: 'k2', node_droplet_ids: [5, 6] },
    ],
    databases: Array.from({ length: size.databases ?? 3 }, (_, i) => ({ name: `db${i}`, trusted_sources: [{ type: 'ip_addr', value: '192.0.2.1' }] })),
    firewalls: [...firewalls, ...(size.extraFirewalls ?? [])],
  };
}

export interface EmulatorProcess {
  readonly url: string;
  /** Every request the emulator has answered so far (from its --request-log). */
  requests(): RequestLogEntry[];
  stop(): Promise<void>;
}

/** Starts `fwc emulator` (the built CLI) on a free port with the seed, accepting TOKEN. */
export async function startEmulatorProcess(seed: SeedData, options: { rateLimit?: string; settleMs?: number } = {}): Promise<EmulatorProcess> {
  const dir = tempDir();
  const seedFile = join(dir, 'seed.json');
  const logFile = join(dir, 'requests.jsonl');
  writeFileSync(seedFile, JSON.stringify(seed));
  const args = [FWC, 'emulator', '--seed', seedFile, '--token', TOKEN, '--request-log', logFile];
  if (options.rateLimit) args.push('--rate-limit', options.rateLimit);
  if (options.settleMs !== undefined) args.push('--settle-ms', String(options.settleMs));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fwc emulator exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    requests: () =>
      existsSync(logFile)
        ? readFileSync(logFile, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as RequestLogEntry)
        : [],
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly wallMs: number;
  /** Peak resident memory of the command, from /usr/bin/time -v (null without it). */
  readonly maxRssMb: number | null;
}

const GNU_TIME = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-v', 'true']).status === 0;

/** Runs the built CLI; wall time measured here, peak memory by /usr/bin/time -v when it is there. */
export function runFwc(args: readonly string[], env: Record<string, string> = {}, cwd = ROOT): Run {
  const command = GNU_TIME ? '/usr/bin/time' : process.execPath;
  const argv = GNU_TIME ? ['-v', process.execPath, FWC, ...args] : [FWC, ...args];
  const t0 = performance.now();
  const r = spawnSync(command, argv, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallMs = performance.now() - t0;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wallMs, maxRssMb: rss ? Number(rss[1]) / 1024 : null };
}

/** Counts of log entries by a key, as "key n" pairs sorted by count. */
export function countBy<T>(xs: readonly T[], key: (x: T) => string): [string, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
