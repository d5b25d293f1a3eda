// Startup benchmark: wall time of `fwc validate policies/shop.fw` (the built CLI, bin/fwc.js) against
// `node -e 0`, the floor any Node CLI pays. Runs alternate so that noise on a shared machine hits both
// alike; the figure to watch is the ratio of medians (target: within 1.5×). Needs `npm run build` first.
//
//   node --import tsx bench/startup.ts [RUNS]      # default 20 runs of each
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { FWC, QUICK, ROOT, median, table } from './lib.js';

const runs = Number(process.argv[2] ?? (QUICK ? 5 : 20));
const commands = {
  'node -e 0': ['-e', '0'],
  'fwc validate policies/shop.fw': [FWC, 'validate', 'policies/shop.fw'],
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));

function once(args: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited with ${r.status}`);
  return ms;
}

for (const args of Object.values(commands)) once(args); // warm the file cache (and fwc's code cache)
for (let i = 0; i < runs; i++) for (const [name, args] of Object.entries(commands)) times[name]!.push(once(args));

table(
  ['command', 'median ms', 'min ms', 'max ms'],
  Object.entries(times).map(([name, ts]) => [name, median(ts), Math.min(...ts), Math.max(...ts)]),
);
const ratio = median(times['fwc validate policies/shop.fw']!) / median(times['node -e 0']!);
console.log(`ratio fwc/node (medians): ${ratio.toFixed(2)}×  (target ≤ 1.5×; ${runs} alternating runs each)`);
