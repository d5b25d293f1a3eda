// The shipped program, as users run it: bin/fwc.js over the bundle (built by `npm run build`, which
// `npm test` runs first). What only a real process shows: exit codes, streams, the second parse thread,
// the emulator as a process, and the README's quick start (`npm run demo`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runBin } from '../helpers/cli.js';
import { generatePolicy } from '../helpers/generatePolicy.js';

const Built = suite('the built program');
Built('validates the example policies and exits 0; bad input exits 1 with a caret, not a stack trace', () => {
  const ok = runBin(['validate', 'policies/shop.fw', 'policies/platform.fw']);
  assert.is(ok.code, 0, ok.stderr);
  const dir = mkdtempSync(join(tmpdir(), 'fwc-built-'));
  writeFileSync(join(dir, 'bad.fw'), 'policy p\ntags web\nweb may reach dbb on 5432\n');
  const bad = runBin(['validate', 'bad.fw'], { cwd: dir });
  assert.is(bad.code, 1);
  assert.match(bad.stderr, /bad\.fw:3:15/);
  assert.match(bad.stderr, /\^\^\^/);
  assert.not.match(bad.stderr, /at .*\.(c?js|ts):\d+/);
  // A statement the recogniser leaves to ohm, which the bundle loads only then (syntax/grammar.ts).
  writeFileSync(join(dir, 'syntax.fw'), 'policy p\ntags web\nweb may reach on 5432\n');
  const syntax = runBin(['validate', 'syntax.fw'], { cwd: dir });
  assert.is(syntax.code, 1);
  assert.match(syntax.stderr, /error\[FW100\]: expected end of input, `until`, `on`, or `,`, found `5432`\n --> syntax\.fw:3:18/);
  assert.is(runBin(['no-such-command']).code, 2);
});
Built('a big policy parsed on two threads compiles to the same bytes as on one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwc-built-'));
  writeFileSync(join(dir, 'big.fw'), generatePolicy(7, { statements: 3000, tags: 120 }));
  const two = runBin(['compile', 'big.fw', '--format', 'json', '--as-of', '2026-11-24'], { cwd: dir });
  const one = runBin(['compile', 'big.fw', '--format', 'json', '--as-of', '2026-11-24'], { cwd: dir, env: { FWC_PARSE_THREADS: '1' } });
  assert.is(two.code, 0, two.stderr);
  assert.ok(two.stdout.length > 10_000);
  assert.ok(two.stdout === one.stdout, 'two threads and one thread compiled differently');
});
Built('statements the recogniser leaves to ohm, many of them, are matched on two threads with the same errors as on one', () => {
  // Every statement here is a syntax error, which only ohm reports: enough of them to start the parse worker.
  const dir = mkdtempSync(join(tmpdir(), 'fwc-built-'));
  const lines = ['policy p', 'tags web, db', ...Array.from({ length: 2500 }, (_, i) => (i % 2 ? `web may reach db on ${i} ${i}` : `web may reach on ${i}`))];
  writeFileSync(join(dir, 'bad.fw'), `${lines.join('\n')}\n`);
  const run = (env: Record<string, string>) => runBin(['validate', 'bad.fw', '--diagnostics', 'json'], { cwd: dir, env: { NODE_DEBUG: 'worker', ...env } });
  const two = run({});
  const one = run({ FWC_PARSE_THREADS: '1' });
  assert.is(two.code, 1);
  assert.match(two.stderr, /instantiating Worker\. url: file:\/\/\S*parseWorker\.cjs/);
  assert.not.match(one.stderr, /parseWorker\.cjs/);
  // The report is one line of JSON among Node's trace lines.
  const report = (r: { stderr: string }) => r.stderr.split('\n').find((l) => l.startsWith('{"diagnostics"')) ?? '';
  assert.is(JSON.parse(report(two)).errors, 2500);
  assert.ok(report(two) === report(one), 'two threads and one thread reported differently');
});
Built("a big diff, the new version's analyses on a second thread, prints the same bytes as on one thread, errors too", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fwc-built-'));
  const old = generatePolicy(7, { statements: 3000, tags: 120 });
  const grants = old.split('\n').filter((l) => l.includes(' may reach '));
  writeFileSync(join(dir, 'old.fw'), old);
  writeFileSync(join(dir, 'new.fw'), old.split('\n').filter((l) => !grants.slice(0, 40).includes(l)).join('\n'));
  // Errors on either side: found by the main thread (a check error) or only by the analyses (an expectation).
  writeFileSync(join(dir, 'bad.fw'), `${old}\nt1 may reach nosuchtag on 5432\n`);
  writeFileSync(join(dir, 'broken.fw'), `${old}\nanyone may reach t1 on tcp 4999\nexpect anyone cannot reach t1 on tcp 4999\n`);
  assert.ok(old.length > 100_000, 'the new version is large enough for the second thread');
  for (const [from, to, code, expected] of [
    ['old.fw', 'new.fw', 0, /^$/],
    ['old.fw', 'bad.fw', 1, /nosuchtag/],
    ['bad.fw', 'new.fw', 1, /nosuchtag/],
    ['old.fw', 'broken.fw', 1, /error\[FW\d+\][^\n]*\n *--> broken\.fw:\d+/],
  ] as const) {
    const args = ['diff', from, to, '--format', 'json', '--as-of', '2026-11-24'];
    const two = runBin(args, { cwd: dir, env: { FWC_BUILD_THREADS: '2' } });
    const one = runBin(args, { cwd: dir, env: { FWC_BUILD_THREADS: '1' } });
    assert.is(two.code, code, `${from} ${to}: ${two.stderr.slice(-2000)}`);
    if (code === 0) assert.ok(two.stdout.length > 10_000);
    else assert.match(two.stderr, expected);
    assert.ok(two.stdout === one.stdout && two.stderr === one.stderr, `${from} ${to}: two threads and one thread differ`);
  }
  // Node's own trace shows that the second thread was started (and not with FWC_BUILD_THREADS=1).
  // FWC_BUILD_THREADS=2 forces it: on fewer than four cores it does not pay and is not started.
  const traced = (env: Record<string, string>) => runBin(['diff', 'old.fw', 'new.fw', '--as-of', '2026-11-24'], { cwd: dir, env: { NODE_DEBUG: 'worker', ...env } }).stderr;
  assert.match(traced({ FWC_BUILD_THREADS: '2' }), /instantiating Worker\. url: file:\/\/\S*buildWorker\.cjs/);
  assert.not.match(traced({ FWC_BUILD_THREADS: '1' }), /buildWorker\.cjs/);
});
Built('the quick start: `npm run demo` plans, applies and plans again with no changes against the emulator', () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/demo.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  assert.is(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Plan: 6 to add, 0 to change, 0 to destroy\. \(3 unmanaged firewalls left alone\)/);
  assert.match(r.stdout, /Apply complete! 6 created, 0 updated, 0 destroyed/);
  assert.match(r.stdout, /No changes\. Live firewalls match the policy\./);
  assert.match(r.stdout, /demo: done/);
});
Built.run();
