// Where `fwc plan` spends its time once the account is read, in one process: build (parse, check,
// compile), resolve, and the plan itself (rule diff, reachability, warnings), on a medium account and
// on the large one of bench/plan.ts. The account is read from an in-process emulator (no rate limit).
//
//   node --import tsx bench/planPhases.ts            (FWC_BENCH_QUICK=1: the medium account only)
import { readAccount } from '../src/digitalocean/read.js';
import { DigitalOceanClient } from '../src/digitalocean/client.js';
import { startEmulator } from '../src/emulator/index.js';
import { buildPolicies } from '../src/pipeline/build.js';
import { computePlan } from '../src/plan/plan.js';
import { resolveDesired } from '../src/plan/resolve.js';
import { SourceFile } from '../src/source/sourceFile.js';
import { AS_OF, benchAccount, type AccountShape } from './largeAccount.js';
import { QUICK, table, TOKEN } from './lib.js';

const SHAPES: [string, AccountShape][] = [
  ['medium', { statements: 500, tags: 60, firewalls: 100, droplets: 300, secondTagEvery: 0 }],
  ...(QUICK ? [] : ([
    ['large, one tag per droplet', { statements: 5000, tags: 500, firewalls: 1000, droplets: 5000, secondTagEvery: 0 }],
    ['large, every 3rd droplet 2 tags', { statements: 5000, tags: 500, firewalls: 1000, droplets: 5000, secondTagEvery: 3 }],
  ] as [string, AccountShape][])),
];

const time = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const v = f();
  return [v, performance.now() - t];
};

const rows: (string | number)[][] = [];
for (const [label, shape] of SHAPES) {
  const account0 = benchAccount(shape);
  const em = await startEmulator({ seed: account0.seed, rateLimit: 'off', settleMs: 0, contract: 'off', tokens: [{ token: TOKEN, scopes: 'all' }] });
  const t0 = performance.now();
  const account = await readAccount(new DigitalOceanClient({ baseUrl: new URL(em.url), token: TOKEN, requestsPerMinute: 1e9 }));
  const readMs = performance.now() - t0;
  await em.stop();
  const [built, buildMs] = time(() => buildPolicies([new SourceFile('gen.fw', account0.policyText)], { asOf: AS_OF }));
  const [resolved, resolveMs] = time(() => resolveDesired(built.policies, account));
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  const [plan, planMs] = time(() => computePlan({ built: built.policies, desired: resolved.value, account }));
  const heapMb = (process.memoryUsage().heapUsed - before) / 1e6;
  const p = plan.value;
  rows.push([
    `${label} (${account.droplets.length} droplets, ${account0.tagSets} tag sets, ${account.firewalls.length} firewalls)`,
    Math.round(readMs),
    Math.round(buildMs),
    Math.round(resolveMs),
    Math.round(planMs),
    Math.round(heapMb),
    `${p.firewalls.length} changed, ${p.reachability.allowed.length}+/${p.reachability.blocked.length}- flows, ${p.warnings.length} warnings`,
  ]);
}
table(['account', 'read ms', 'build ms', 'resolve ms', 'plan ms', 'plan heap MB', 'plan'], rows);
