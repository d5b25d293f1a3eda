// Audit of a large account: `fwc audit` (the built CLI) on an emulated account of 1,000 firewalls and
// 5,000 droplets over 500 tags (bench/lib.ts, seedAccount), every 10th firewall opening ssh to the whole
// internet, every 25th splitting the internet in two halves for redis, and every 50th tag's droplets with
// no firewall at all. Measures wall time, peak memory and the requests the audit makes (emulator log,
// default rate limits), for the account alone, with a second tag on every third droplet (more droplet
// classes), and with --policy: the generated 5,000-statement policy of bench/plan.ts managing about 600
// of the firewalls (drift, expired grants and `must not` statements judged too).
//
//   node --import tsx bench/audit.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedData } from '../src/emulator/index.js';
import { generatePolicy } from '../test/helpers/generatePolicy.js';
import { QUICK, RESOURCE_IDS, TOKEN, countBy, median, runFwc, seedAccount, startEmulatorProcess, table, tempDir, type Run } from './lib.js';

const STATEMENTS = QUICK ? 500 : 5000;
const TAGS = QUICK ? 50 : 500;
const TOTAL_FIREWALLS = QUICK ? 100 : 1000;
const DROPLETS = QUICK ? 4300 : 5000; // the generated policy names droplet 4242
const RUNS = QUICK ? 1 : 3;
const AS_OF = ['--as-of', '2026-11-24'];

type Fw = NonNullable<SeedData['firewalls']>[number];
/** Plants exposures in the seeded unmanaged firewalls; removes every 50th tag's firewalls. */
function plant(seed: SeedData): SeedData {
  const firewalls = (seed.firewalls ?? []).flatMap((fw, i): Fw[] => {
    if (!fw.name.startsWith('legacy-')) return [fw];
    if (i % 50 === 7) return [];
    if (i % 10 === 0) return [{ ...fw, inbound_rules: [...(fw.inbound_rules ?? []), { protocol: 'tcp', ports: '22', sources: { addresses: ['0.0.0.0/0', '::/0'] } }] }];
    if (i % 25 === 3) return [{ ...fw, inbound_rules: [...(fw.inbound_rules ?? []), { protocol: 'tcp', ports: '6379', sources: { addresses: ['0.0.0.0/1', '128.0.0.0/1'] } }] }];
    return [fw];
  });
  return { ...seed, firewalls };
}

const dir = tempDir();
const policy = join(dir, 'gen.fw');
writeFileSync(policy, generatePolicy(42, { statements: STATEMENTS, tags: TAGS, pools: 'wide', guardrails: 0.05, restricted: 0.2, resources: true, expiry: true }));
const compiled = runFwc(['compile', policy, '--format', 'json', ...AS_OF]);
if (compiled.status !== 0) throw new Error(compiled.stderr);
type Target = Record<string, unknown[]>;
type Body = { name: string; inbound_rules?: { sources?: Target }[]; outbound_rules?: { destinations?: Target }[] };
const output = JSON.parse(compiled.stdout) as { firewalls: Body[]; databases: { database: string; rules: { type: string; value: string }[] }[] };
// The managed firewalls as bench/plan.ts seeds them: names resolved, every 10th with a rule missing, every 20th absent.
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
  trusted_sources: i % 7 === 6 ? [] : (output.databases.find((d) => d.database === `db${i}`)?.rules.slice(i % 10 === 0 ? 1 : 0) ?? []),
}));

const rows: (string | number)[][] = [];
let lastLog: ReturnType<Awaited<ReturnType<typeof startEmulatorProcess>>['requests']> = [];
const cases = [
  ['account alone, one tag per droplet', 0, false],
  ['account alone, every 3rd droplet 2 tags', 3, false],
  [`with --policy (${STATEMENTS} statements), every 3rd droplet 2 tags`, 3, true],
] as const;
for (const [label, secondTagEvery, withPolicy] of cases) {
  const base = seedAccount({ tags: TAGS, droplets: DROPLETS, firewalls: withPolicy ? Math.max(0, TOTAL_FIREWALLS - managed.length) : TOTAL_FIREWALLS, secondTagEvery, extraFirewalls: withPolicy ? (managed as SeedData['firewalls']) : [] });
  const seed = plant({ ...base, databases });
  const emulator = await startEmulatorProcess(seed);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    runs.push(runFwc(['audit', '--api-url', emulator.url, '--format', 'json', '--fail-on', 'none', ...AS_OF, ...(withPolicy ? ['--policy', policy] : [])], { DIGITALOCEAN_TOKEN: TOKEN, FWC_QUIET: '1' }));
  }
  lastLog = emulator.requests();
  await emulator.stop();
  const bad = runs.find((r) => r.status !== 0);
  if (bad) throw new Error(`fwc audit exited with ${bad.status}: ${bad.stderr.slice(-2000)}`);
  const doc = JSON.parse(runs[0]!.stdout) as { summary: Record<string, number>; findings: { rule: string }[] };
  const byRule = countBy(doc.findings, (f) => f.rule).map(([r, n]) => `${r}×${n}`).join(' ');
  rows.push([label, runs.length, median(runs.map((r) => r.wallMs)), median(runs.map((r) => r.maxRssMb ?? NaN)), lastLog.length / RUNS, `${doc.summary.classes} classes; ${doc.findings.length} findings: ${byRule}`]);
}
console.log(`account: ${TOTAL_FIREWALLS} firewalls, ${DROPLETS} droplets, ${TAGS} tags, ${databases.length} databases; policy: ${STATEMENTS} statements, ${output.firewalls.length} firewalls (${managed.length} in the account)`);
table(['fwc audit', 'runs', 'median wall ms', 'median peak MB', 'requests', 'findings'], rows);
console.log('requests of one audit, by operation (default rate limits; 429s: ' + lastLog.filter((e) => e.status === 429).length + '):');
table(['operation', 'requests'], countBy(lastLog.slice(0, lastLog.length / RUNS), (e) => e.operationId ?? e.path));
