// Plan against a large account: `fwc plan` (the built CLI) on an emulated account of 1,000 firewalls and
// 5,000 droplets, of which a generated 5,000-statement, 500-tag policy manages about 600 — most in their
// desired state, every 10th with a rule missing, every 20th absent — and the rest (`legacy-N`, on the
// same tags) are unmanaged. Measures the requests the plan makes (emulator log, default rate limits),
// wall time and peak memory, next to `fwc validate` of the same policy, so the cost of reading and
// comparing the account shows apart from compiling. The plan's reachability analysis runs over droplet
// classes (distinct tag sets of droplets), so it runs on two accounts: one tag per droplet (500 tag
// sets), and every third droplet with a second tag (998 tag sets).
//
//   node --import tsx bench/plan.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedData } from '../src/emulator/index.js';
import { generatePolicy } from '../test/helpers/generatePolicy.js';
import { QUICK, RESOURCE_IDS, TOKEN, countBy, median, runFwc, seedAccount, startEmulatorProcess, table, tempDir, type Run } from './lib.js';

const STATEMENTS = QUICK ? 500 : 5000;
const TAGS = QUICK ? 50 : 500;
const TOTAL_FIREWALLS = QUICK ? 100 : 1000;
const DROPLETS = QUICK ? 4300 : 5000; // the generated policy names droplet 4242
const AS_OF = ['--as-of', '2026-11-24'];

const dir = tempDir();
const policy = join(dir, 'gen.fw');
writeFileSync(policy, generatePolicy(42, { statements: STATEMENTS, tags: TAGS, pools: 'wide', guardrails: 0.05, restricted: 0.2, resources: true, expiry: true }));
const compiled = runFwc(['compile', policy, '--format', 'json', ...AS_OF]);
if (compiled.status !== 0) throw new Error(compiled.stderr);
type Target = Record<string, unknown[]>;
type Body = { name: string; inbound_rules?: { sources?: Target }[]; outbound_rules?: { destinations?: Target }[] };
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
const databases = Array.from({ length: 3 + Math.floor(STATEMENTS / 200) }, (_, i) => ({
  name: `db${i}`,
  trusted_sources: output.databases.find((d) => d.database === `db${i}`)?.rules.slice(i % 10 === 0 ? 1 : 0) ?? [],
}));

const validates = [0, 1, 2].map(() => runFwc(['validate', policy, ...AS_OF]));
const rows: (string | number)[][] = [['fwc validate (no account)', validates.length, median(validates.map((r) => r.wallMs)), median(validates.map((r) => r.maxRssMb ?? NaN)), 0, '']];
let log: ReturnType<Awaited<ReturnType<typeof startEmulatorProcess>>['requests']> = [];
for (const [label, secondTagEvery, runs] of [['one tag per droplet', 0, QUICK ? 1 : 3], ['every 3rd droplet 2 tags', 3, 1]] as const) {
  const seed: SeedData = {
    ...seedAccount({ tags: TAGS, droplets: DROPLETS, firewalls: Math.max(0, TOTAL_FIREWALLS - managed.length), secondTagEvery, extraFirewalls: managed as SeedData['firewalls'] }),
    databases,
  };
  const tagSets = new Set(seed.droplets!.map((d) => [...(d.tags ?? [])].sort().join('+'))).size;
  const emulator = await startEmulatorProcess(seed);
  const plans: Run[] = [];
  for (let i = 0; i < runs; i++) {
    plans.push(runFwc(['plan', policy, '--api-url', emulator.url, '--format', 'json', ...AS_OF], { DIGITALOCEAN_TOKEN: TOKEN, FWC_QUIET: '1' }));
  }
  log = emulator.requests();
  await emulator.stop();
  const bad = plans.find((r) => r.status !== 0);
  if (bad) throw new Error(`fwc plan exited with ${bad.status}: ${bad.stderr.slice(-2000)}`);
  const s = (JSON.parse(plans[0]!.stdout) as { summary: Record<string, number> }).summary;
  rows.push([`fwc plan, ${label} (${tagSets} tag sets)`, runs, median(plans.map((r) => r.wallMs)), median(plans.map((r) => r.maxRssMb ?? NaN)), log.length / runs,
    `${s.firewallsToCreate}+ ${s.firewallsToUpdate}~ ${s.firewallsToDelete}- ${s.firewallsUnchanged}= ${s.databasesToUpdate} db, ${s.warnings} warnings, ${(plans[0]!.stdout.length / 1e6).toFixed(1)} MB JSON`]);
}
console.log(`policy: ${STATEMENTS} statements, ${TAGS} tags, ${output.firewalls.length} firewalls; account: ${TOTAL_FIREWALLS} firewalls (${managed.length} managed), ${DROPLETS} droplets`);
table(['command', 'runs', 'median wall ms', 'median peak MB', 'requests', 'plan (create+ update~ delete- unchanged=)'], rows);
console.log('requests of one plan, by operation (default rate limits; 429s: ' + log.filter((e) => e.status === 429).length + '):');
table(['operation', 'requests'], countBy(log, (e) => e.operationId ?? e.path));
