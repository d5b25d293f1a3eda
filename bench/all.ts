// Every benchmark in sequence, each in its own process, output as it comes: the compiler (10k
// statements; 1k with FWC_BENCH_QUICK=1), startup, the emulator, account reading, diff, plan, apply, audit and import.
// FWC_BENCH_QUICK=1 shrinks every script for a run of a minute or two; the full run takes ~15 minutes
// (plan and apply dominate). The built CLI must be current: run `npm run build` first.
//
//   npm run bench            # or: node --import tsx bench/all.ts [SCRIPT…]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { QUICK, ROOT } from './lib.js';

const SCRIPTS: [string, string[]][] = [
  ['compile.ts', [QUICK ? '1000' : '10000']],
  ['lsp.ts', []],
  ['startup.ts', []],
  ['emulator.ts', []],
  ['readAccount.ts', []],
  ['diff.ts', []],
  ['plan.ts', []],
  ['apply.ts', []],
  ['audit.ts', []],
  ['import.ts', []],
];

const newest = (dir: string): number =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
let built = 0;
try {
  built = statSync(join(ROOT, 'dist', 'fwc.cjs')).mtimeMs;
} catch {
  // not built
}
if (built < newest(join(ROOT, 'src'))) {
  console.error('error: dist/fwc.cjs is missing or older than src/; the benchmarks run the built CLI\n  = help: run `npm run build` first');
  process.exit(1);
}

const only = process.argv.slice(2);
let failed = 0;
for (const [script, args] of SCRIPTS.filter(([s]) => only.length === 0 || only.some((o) => s.startsWith(o)))) {
  console.log(`\n== bench/${script} ${args.join(' ')}${QUICK ? ' (quick)' : ''}`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script), ...args], { cwd: ROOT, stdio: 'inherit' });
  console.log(`(bench/${script}: ${((performance.now() - t0) / 1000).toFixed(1)} s${r.status === 0 ? '' : `, exited with ${r.status}`})`);
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
