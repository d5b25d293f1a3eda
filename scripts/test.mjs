// Runs every test file (test/**/*.test.ts) in its own Node process under tsx, two at a time, and ends
// with one line: `N passed, N failed` — the totals over all files, as CI reads them.
//
// Why one process per file: a file that crashes at import (or never calls .run()) would otherwise take
// uvu's summary with it; here it counts as a failure of its own, and the other files still run.
// Usage: node scripts/test.mjs [FILTER…]   (a filter is a substring of the test file's path)
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cpus } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir) {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : walk(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

const parallel = Number(process.env.FWC_TEST_JOBS ?? Math.max(1, Math.min(2, cpus().length)));
// A file that hangs (a server left running after a failed assertion, say) is stopped and counted as a
// failure, so that one stuck file cannot hold the whole run past CI's time limit.
const FILE_TIMEOUT_MS = Number(process.env.FWC_TEST_FILE_TIMEOUT_S ?? 600) * 1000;

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', '--no-warnings', file], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) out += `\n${file} did not finish in ${FILE_TIMEOUT_MS / 1000} s and was stopped (FWC_TEST_FILE_TIMEOUT_S)\n`;
      // uvu prints "Total: N", "Passed: N", "Skipped: N" (with colour off); failed = total - passed.
      const total = /^\s*Total:\s+(\d+)/m.exec(out);
      const passedM = /^\s*Passed:\s+(\d+)/m.exec(out);
      let passed = passedM ? Number(passedM[1]) : 0;
      let failed = total ? Number(total[1]) - passed : 1;
      if (!total || Number(total[1]) === 0) {
        // No summary (a crash at import) or no test at all: both are failures of this file.
        failed = Math.max(failed, 1);
      }
      if ((code !== 0 || timedOut) && failed === 0) failed = 1;
      resolve({ file, passed, failed, out, ms: Date.now() - started });
    });
  });
}

const queue = [...files];
const results = [];
async function worker() {
  while (queue.length > 0) {
    const file = queue.shift();
    const r = await runFile(file);
    results.push(r);
    const mark = r.failed > 0 ? 'FAIL' : 'ok  ';
    process.stdout.write(`${mark} ${r.file}  (${r.passed} passed, ${r.failed} failed, ${(r.ms / 1000).toFixed(1)} s)\n`);
    if (r.failed > 0) process.stdout.write(r.out.replace(/^/gm, '    ') + '\n');
  }
}
await Promise.all(Array.from({ length: parallel }, worker));

const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0) + (files.length === 0 ? 1 : 0);
if (files.length === 0) process.stdout.write('no test files matched\n');
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
