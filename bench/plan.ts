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
import type { SeedData } from '../src/emulator/index.js';
import { managedPart } from './largeAccount.js';
import { QUICK, TOKEN, countBy, median, runFwc, seedAccount, startEmulatorProcess, table, type Run } from './lib.js';

const STATEMENTS = QUICK ? 500 : 5000;
const TAGS = QUICK ? 50 : 500;
const TOTAL_FIREWALLS = QUICK ? 100 : 1000;
const DROPLETS = QUICK ? 4300 : 5000; // the generated policy names droplet 4242
const AS_OF = ['--as-of', '2026-11-24'];

const part = managedPart(STATEMENTS, TAGS);
const policy = part.policyFile;
const managed = part.managed;
const databases = part.databases;

const validates = [0, 1, 2].map(() => runFwc(['validate', policy, ...AS_OF]));
const rows: (string | number)[][] = [['fwc validate (no account)', validates.length, median(validates.map((r) => r.wallMs)), median(validates.map((r) => r.maxRssMb ?? NaN)), 0, '']];
let log: ReturnType<Awaited<ReturnType<typeof startEmulatorProcess>>['requests']> = [];
for (const [label, secondTagEvery, runs] of [['one tag per droplet', 0, QUICK ? 1 : 3], ['every 3rd droplet 2 tags', 3, 1]] as const) {
  const seed: SeedData = {
    ...seedAccount({ tags: TAGS, droplets: DROPLETS, firewalls: Math.max(0, TOTAL_FIREWALLS - managed.length), secondTagEvery, extraFirewalls: managed }),
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
console.log(`policy: ${STATEMENTS} statements, ${TAGS} tags, ${part.compiledFirewalls} firewalls; account: ${TOTAL_FIREWALLS} firewalls (${managed.length} managed), ${DROPLETS} droplets`);
table(['command', 'runs', 'median wall ms', 'median peak MB', 'requests', 'plan (create+ update~ delete- unchanged=)'], rows);
console.log('requests of one plan, by operation (default rate limits; 429s: ' + log.filter((e) => e.status === 429).length + '):');
table(['operation', 'requests'], countBy(log, (e) => e.operationId ?? e.path));
