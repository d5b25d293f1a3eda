/**
 * The accounts the plan benchmarks run on: a generated policy and an emulator seed whose firewalls are
 * mostly what the policy compiles to — every 10th with a rule missing, every 20th absent — plus
 * unmanaged `legacy-N` firewalls on the same tags, droplets spread over the tags (every Nth with a second
 * tag, which multiplies the droplet classes reachability is judged on), load balancers, clusters and
 * databases.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SeedData } from '../src/emulator/index.js';
import { generatePolicy } from '../test/helpers/generatePolicy.js';
import { RESOURCE_IDS, runFwc, seedAccount } from './lib.js';

export interface AccountShape {
  readonly statements: number;
  readonly tags: number;
  /** All firewalls, managed and unmanaged. */
  readonly firewalls: number;
  readonly droplets: number;
  /** Every Nth droplet carries a second tag (0: one tag each). */
  readonly secondTagEvery: number;
}

export interface BenchAccount {
  readonly policyFile: string;
  readonly policyText: string;
  readonly seed: SeedData;
  readonly managed: number;
  readonly compiledFirewalls: number;
  readonly tagSets: number;
}

export const AS_OF = '2026-11-24';

type Target = Record<string, unknown[]>;
type Body = { name: string; inbound_rules?: { sources?: Target }[]; outbound_rules?: { destinations?: Target }[] };

/** The generated policy, and its compiled firewalls as the account holds them (see the header). */
export interface ManagedPart {
  readonly policyFile: string;
  readonly policyText: string;
  readonly managed: NonNullable<SeedData['firewalls']>;
  /** Databases db0… trusting what the policy grants them (every 10th missing one source). */
  readonly databases: NonNullable<SeedData['databases']>;
  readonly compiledFirewalls: number;
}

export function benchAccount(shape: AccountShape): BenchAccount {
  const part = managedPart(shape.statements, shape.tags);
  const seed: SeedData = {
    ...seedAccount({ tags: shape.tags, droplets: shape.droplets, firewalls: Math.max(0, shape.firewalls - part.managed.length), secondTagEvery: shape.secondTagEvery, extraFirewalls: part.managed }),
    databases: part.databases,
  };
  // Generated policies name droplet 4242 by id: smaller accounts get it as one more droplet.
  if (!seed.droplets!.some((d) => d.id === 4242)) seed.droplets!.push({ id: 4242, name: 'd4242', tags: [], private_ipv4: '10.250.0.1' });
  const tagSets = new Set(seed.droplets!.map((d) => [...(d.tags ?? [])].sort().join('+'))).size;
  return { policyFile: part.policyFile, policyText: part.policyText, seed, managed: part.managed.length, compiledFirewalls: part.compiledFirewalls, tagSets };
}

export function managedPart(statements: number, tags: number): ManagedPart {
  const shape = { statements, tags };
  const dir = mkdtempSync(join(tmpdir(), 'fwc-bench-'));
  const policyFile = join(dir, 'gen.fw');
  const policyText = generatePolicy(42, { statements: shape.statements, tags: shape.tags, pools: 'wide', guardrails: 0.05, restricted: 0.2, resources: true, expiry: true });
  writeFileSync(policyFile, policyText);
  const compiled = runFwc(['compile', policyFile, '--format', 'json', '--as-of', AS_OF]);
  if (compiled.status !== 0) throw new Error(compiled.stderr);
  const output = JSON.parse(compiled.stdout) as { firewalls: Body[]; databases: { database: string; rules: { type: string; value: string }[] }[] };
  // The live firewalls: the compiled ones with names resolved as `fwc plan` resolves them.
  const resolve = (target: Target = {}): Target => {
    const { 'x-fwc-unresolved': unresolved = [], ...rest } = target;
    const out: Target = { ...rest };
    const add = (field: string, v: unknown) => (out[field] = [...(out[field] ?? []), v]);
    for (const ref of unresolved as string[]) {
      const [kind, name] = ref.split(/:(.*)/) as [string, string];
      if (kind === 'load-balancer') add('load_balancer_uids', RESOURCE_IDS[name]);
      else if (kind === 'cluster') add('kubernetes_ids', RESOURCE_IDS[name]);
      else if (kind === 'droplet' && name === 'legacy') add('droplet_ids', 1);
      else throw new Error(`unexpected reference ${ref}`);
    }
    return out;
  };
  const managed = output.firewalls
    .filter((_, i) => i % 20 !== 19)
    .map((fw, i) => ({
      ...fw,
      inbound_rules: (fw.inbound_rules ?? []).map((r) => ({ ...r, sources: resolve(r.sources) })).slice(i % 10 === 0 ? 1 : 0),
      outbound_rules: (fw.outbound_rules ?? []).map((r) => ({ ...r, destinations: resolve(r.destinations) })),
    }));
  const databases = Array.from({ length: 3 + Math.floor(shape.statements / 200) }, (_, i) => ({
    name: `db${i}`,
    trusted_sources: output.databases.find((d) => d.database === `db${i}`)?.rules.slice(i % 10 === 0 ? 1 : 0) ?? [],
  }));
  return { policyFile, policyText, managed: managed as ManagedPart['managed'], databases, compiledFirewalls: output.firewalls.length };
}
