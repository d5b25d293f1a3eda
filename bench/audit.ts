// Audit of a large account: `fwc audit` (the built CLI) on an emulated account of 1,000 firewalls and
// 5,000 droplets over 500 tags (bench/lib.ts, seedAccount), every 10th firewall opening ssh to the whole
// internet, every 25th splitting the internet in two halves for redis, and every 50th tag's droplets with
// no firewall at all. Measures wall time, peak memory and the requests the audit makes (emulator log,
// default rate limits), for the account alone, with a second tag on every third droplet (more droplet
// classes), and with --policy: the generated 5,000-statement policy of bench/plan.ts managing about 600
// of the firewalls (drift, expired grants and `must not` statements judged too).
//
//   node --import tsx bench/audit.ts
import type { SeedData } from '../src/emulator/index.js';
import { managedPart } from './largeAccount.js';
import { QUICK, TOKEN, countBy, median, runFwc, seedAccount, startEmulatorProcess, table, type Run } from './lib.js';

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

// The managed firewalls as bench/plan.ts seeds them (bench/largeAccount.ts); every 7th database open.
const part = managedPart(STATEMENTS, TAGS);
const policy = part.policyFile;
const managed = part.managed;
const databases = part.databases.map((d, i) => (i % 7 === 6 ? { ...d, trusted_sources: [] } : d));

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
console.log(`account: ${TOTAL_FIREWALLS} firewalls, ${DROPLETS} droplets, ${TAGS} tags, ${databases.length} databases; policy: ${STATEMENTS} statements, ${part.compiledFirewalls} firewalls (${managed.length} in the account)`);
table(['fwc audit', 'runs', 'median wall ms', 'median peak MB', 'requests', 'findings'], rows);
console.log('requests of one audit, by operation (default rate limits; 429s: ' + lastLog.filter((e) => e.status === 429).length + '):');
table(['operation', 'requests'], countBy(lastLog.slice(0, lastLog.length / RUNS), (e) => e.operationId ?? e.path));
