// The compiler's commands as a user runs them: output streams, files written, exit codes (0 ok, 1 input
// errors, 2 usage errors), and never a stack trace for bad input.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli.js';

// Every workspace lives under one temporary folder, removed when the file's tests end.
const ROOT_DIR = mkdtempSync(join(tmpdir(), 'fwc-cli-'));
process.on('exit', () => rmSync(ROOT_DIR, { recursive: true, force: true }));
let count = 0;

function workspace(files: Record<string, string>): string {
  const dir = join(ROOT_DIR, String(count++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const GOOD = 'policy demo\ntags web, db\nanyone may reach web on https\nweb may reach db on postgres\nexpect anyone cannot reach db on postgres\n';
const BAD = 'policy demo\ntags web\nweb may reach dbb on postgres\n';

const Validate = suite('fwc validate');
Validate('a good policy: exit 0, a summary on stdout, nothing on stderr', async () => {
  const cwd = workspace({ 'policies/demo.fw': GOOD });
  const r = await runCli(['validate', 'policies'], { cwd });
  assert.is(r.code, 0);
  assert.is(r.stdout, 'ok policies/demo.fw: policy demo, 2 firewalls, 1 expectation\n');
  assert.is(r.stderr, '');
});
Validate('errors: exit 1, rustc-style diagnostics with file:line:col and a caret on stderr', async () => {
  const cwd = workspace({ 'demo.fw': BAD });
  const r = await runCli(['validate', 'demo.fw'], { cwd });
  assert.is(r.code, 1);
  assert.match(r.stderr, 'error[FW201]: unknown name `dbb`');
  assert.match(r.stderr, ' --> demo.fw:3:15');
  assert.match(r.stderr, '  |               ^^^ not declared in this policy');
  assert.match(r.stderr, 'error: validate: 1 error');
  assert.is(r.stdout, '');
});
Validate('--diagnostics json gives one JSON document for tools', async () => {
  const cwd = workspace({ 'demo.fw': BAD });
  const r = await runCli(['validate', '--diagnostics', 'json', 'demo.fw'], { cwd });
  assert.is(r.code, 1);
  const doc = JSON.parse(r.stderr);
  assert.is(doc.errors, 1);
  assert.equal(
    { code: doc.diagnostics[0].code, name: doc.diagnostics[0].name, file: doc.diagnostics[0].file, line: doc.diagnostics[0].line, column: doc.diagnostics[0].column, endColumn: doc.diagnostics[0].endColumn },
    { code: 'FW201', name: 'unknown-name', file: 'demo.fw', line: 3, column: 15, endColumn: 18 },
  );
  assert.equal(doc.diagnostics[0].help[0], 'did you mean `web`?');
  assert.match(doc.diagnostics[0].help[1], /^to govern tag `dbb`.*`tags dbb`$/);
  assert.match(doc.diagnostics[0].help[2], /^to refer to tag `dbb` without governing it.*`tag "dbb"`$/);
});
Validate('warnings alone exit 0; --as-of moves expiry', async () => {
  const cwd = workspace({ 'demo.fw': 'tags web, db\nweb may reach db on 80 until 2026-12-31\n' });
  const before = await runCli(['validate', '--as-of', '2026-12-20', 'demo.fw'], { cwd });
  assert.is(before.code, 0);
  assert.match(before.stderr, 'warning[FW404]');
  const after = await runCli(['validate', '--as-of', '2027-01-01', 'demo.fw'], { cwd });
  assert.is(after.code, 0);
  assert.match(after.stderr, 'warning[FW403]');
});
Validate('a folder with no .fw files, a missing path: exit 1 with a message', async () => {
  const cwd = workspace({ 'README.txt': 'x' });
  const empty = await runCli(['validate', '.'], { cwd });
  assert.is(empty.code, 1);
  assert.match(empty.stderr, 'no .fw files in .');
  const missing = await runCli(['validate', 'nope.fw'], { cwd });
  assert.is(missing.code, 1);
  assert.match(missing.stderr, 'no such file or folder: nope.fw');
});
Validate('usage errors exit 2 and point at --help', async () => {
  const bad = await runCli(['validate', '--as-of', '2026-13-01']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, "--as-of takes a date like 2026-12-31, not '2026-13-01'");
  const flag = await runCli(['validate', '--frobnicate']);
  assert.is(flag.code, 2);
  assert.match(flag.stderr, "unknown option '--frobnicate'");
  assert.match(flag.stderr, 'fwc validate --help');
  const format = await runCli(['validate', '--diagnostics', 'xml']);
  assert.is(format.code, 2);
});
Validate.run();

// ---

const Compile = suite('fwc compile');
Compile('prints {"firewalls": [...]} on stdout; yaml too', async () => {
  const cwd = workspace({ 'demo.fw': GOOD });
  const r = await runCli(['compile', 'demo.fw'], { cwd });
  assert.is(r.code, 0);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.firewalls.map((f: { name: string }) => f.name), ['fwc-demo-db', 'fwc-demo-web']);
  assert.equal(Object.keys(doc), ['firewalls', 'databases', 'policies', 'formatVersion']);
  const y = await runCli(['compile', '--format', 'yaml', 'demo.fw'], { cwd });
  assert.match(y.stdout, /^firewalls:\n  - name: fwc-demo-db\n/);
});
Compile('errors: nothing on stdout, exit 1', async () => {
  const cwd = workspace({ 'demo.fw': BAD });
  const r = await runCli(['compile', 'demo.fw'], { cwd });
  assert.is(r.code, 1);
  assert.is(r.stdout, '');
});
Compile('--out writes one file per policy; --check passes when current and fails when stale', async () => {
  const cwd = workspace({ 'policies/demo.fw': GOOD, 'policies/other.fw': 'tags api\n' });
  const w = await runCli(['compile', 'policies', '--out', 'compiled'], { cwd });
  assert.is(w.code, 0);
  assert.ok(existsSync(join(cwd, 'compiled/demo.json')) && existsSync(join(cwd, 'compiled/other.json')));
  const ok = await runCli(['compile', 'policies', '--out', 'compiled', '--check'], { cwd });
  assert.is(ok.code, 0);
  assert.match(ok.stderr, 'compiled is up to date (2 policies)');
  writeFileSync(join(cwd, 'policies/demo.fw'), GOOD + 'web may reach db on redis\n');
  const before = readFileSync(join(cwd, 'compiled/demo.json'), 'utf8');
  const stale = await runCli(['compile', 'policies', '--out', 'compiled', '--check'], { cwd });
  assert.is(stale.code, 1);
  assert.match(stale.stderr, 'error[FW602]: compiled/demo.json is not what policies/demo.fw compiles to');
  assert.is(readFileSync(join(cwd, 'compiled/demo.json'), 'utf8'), before, '--check changes nothing');
});
Compile('--check without --out is a usage error', async () => {
  const r = await runCli(['compile', '--check']);
  assert.is(r.code, 2);
});
Compile.run();

// ---

const Fmt = suite('fwc fmt');
Fmt('rewrites files in place; --check lists unformatted files and changes nothing', async () => {
  const cwd = workspace({ 'a.fw': 'tags   web ,db\n', 'b.fw': 'tags x\n' });
  const check = await runCli(['fmt', '--check', '.'], { cwd });
  assert.is(check.code, 1);
  assert.is(check.stdout, 'a.fw is not formatted\n');
  assert.is(readFileSync(join(cwd, 'a.fw'), 'utf8'), 'tags   web ,db\n');
  const r = await runCli(['fmt', '.'], { cwd });
  assert.is(r.code, 0);
  assert.is(r.stdout, 'formatted a.fw\n');
  assert.is(readFileSync(join(cwd, 'a.fw'), 'utf8'), 'tags web, db\n');
  assert.is((await runCli(['fmt', '--check', '.'], { cwd })).code, 0);
});
Fmt('a file with syntax errors is reported and left alone', async () => {
  const cwd = workspace({ 'a.fw': 'tags web,,\n' });
  const r = await runCli(['fmt', 'a.fw'], { cwd });
  assert.is(r.code, 1);
  assert.match(r.stderr, 'error[FW100]');
  assert.is(readFileSync(join(cwd, 'a.fw'), 'utf8'), 'tags web,,\n');
});
Fmt.run();

// ---

const Explain = suite('fwc explain and help');
Explain('explains a code by number or name', async () => {
  for (const q of ['FW201', 'fw201', '201', 'unknown-name']) {
    const r = await runCli(['explain', q]);
    assert.is(r.code, 0);
    assert.match(r.stdout, /^FW201 \(unknown-name, error\): a name is not declared/);
  }
  const list = await runCli(['explain']);
  assert.match(list.stdout, /FW100  error    syntax-error/);
  const none = await runCli(['explain', 'FW999']);
  assert.is(none.code, 2);
});
Explain('help lists every command; a command\'s --help its options and exit codes', async () => {
  const top = await runCli(['help']);
  assert.is(top.code, 0);
  for (const c of ['validate', 'compile', 'fmt', 'explain']) assert.match(top.stdout, `  ${c} `);
  const h = await runCli(['compile', '--help']);
  assert.match(h.stdout, 'Usage: fwc compile');
  assert.match(h.stdout, '--format FORMAT');
  assert.match(h.stdout, 'Exit codes:');
  const none = await runCli([]);
  assert.is(none.code, 2);
  const unknown = await runCli(['compil']);
  assert.is(unknown.code, 2);
  assert.match(unknown.stderr, 'did you mean `fwc compile`?');
});
Explain.run();

// ---

const Robust = suite('no input gives a stack trace');
Robust('random and hostile files give diagnostics, never an internal error', async () => {
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = ['may', 'reach', 'on', 'tags', 'group', '=', ',', '"', '#', '\n', ' ', 'web', '10.0.0.0/8', '::', '80-90', 'until', '2026-02-30', 'must', 'not', 'anyone', 'database', 'expect', 'can', '\t', '\u00e9', 'addresses', 'service', 'egress', 'from', 'is', 'restricted'];
  for (let i = 0; i < 150; i++) {
    const text = Array.from({ length: 5 + Math.floor(next() * 60) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(' ');
    const cwd = workspace({ 'x.fw': text });
    for (const cmd of ['validate', 'compile', 'fmt']) {
      const r = await runCli([cmd, 'x.fw'], { cwd });
      assert.ok(r.code === 0 || r.code === 1, `${cmd} exited ${r.code} on:\n${text}\n${r.stderr}`);
      assert.not.match(r.stderr, 'internal error', `${cmd} crashed on:\n${text}\n${r.stderr}`);
      assert.not.match(r.stderr, /\n\s+at /, 'a stack trace');
    }
  }
});
Robust.run();
