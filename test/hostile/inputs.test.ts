// Hostile input other than API answers (issue 16): files that are not regular files or are too large,
// temporary files someone planted, control characters in names (from policies and from the API) and
// Markdown that could hide the rest of a comment, and requests that used to make the emulator fail.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, symlinkSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator } from '../../src/emulator/index.js';
import { BIN, ROOT, runBin, runCli } from '../helpers/cli.js';
import { call, startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { startHostileProxy } from '../helpers/hostileProxy.js';

const AS_OF = '2026-11-24';
const SEED = join(ROOT, 'examples/demo-account.yaml');
const POLICY = readFileSync(join(ROOT, 'policies/shop.fw'), 'utf8');
const dir = () => mkdtempSync(join(tmpdir(), 'fwc-inputs-'));
const env = (url: string) => ({ DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: url, FWC_QUIET: '1' });

/** The built fwc, killed (SIGKILL: a process blocked opening a FIFO ignores SIGTERM) if it takes 30 s. */
function bounded(args: string[], cwd: string): { code: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL', env: { PATH: process.env.PATH, NO_COLOR: '1' } });
  return { code: r.status, stderr: r.stderr };
}

const Files = suite('files');
Files('a FIFO, a device or a file over the limit is refused at once, not read forever', () => {
  const d = dir();
  assert.is(spawnSync('mkfifo', [join(d, 'pipe.fw')]).status, 0);
  const big = openSync(join(d, 'big.fw'), 'w');
  ftruncateSync(big, 33 * 1024 * 1024);
  closeSync(big);
  for (const [path, why] of [
    ['pipe.fw', /cannot read pipe\.fw: not a regular file \(a pipe\)/],
    ['/dev/zero', /cannot read \/dev\/zero: not a regular file \(a device\)/],
    ['big.fw', /cannot read big\.fw: larger than 32 MB/],
  ] as const) {
    const r = bounded(['validate', path], d);
    assert.is(r.code, 1, `${path}: exit ${r.code}\n${r.stderr}`);
    assert.match(r.stderr, why);
  }
  const shown = bounded(['show', 'pipe.fw'], d);
  assert.is(shown.code, 1, shown.stderr);
  assert.match(shown.stderr, /cannot read plan file pipe\.fw: not a regular file \(a pipe\)/);
});
Files('plan --out and the emulator state never write through a planted temporary file', async () => {
  const em = await startTestEmulator({ seed: SEED });
  const d = dir();
  writeFileSync(join(d, 'shop.fw'), POLICY);
  writeFileSync(join(d, 'victim.txt'), 'keep');
  // The name the old code used (pid-based, opened without O_EXCL): a symlink there wrote into the victim.
  symlinkSync(join(d, 'victim.txt'), join(d, `.plan.json.${process.pid}.tmp`));
  const r = await runCli(['plan', 'shop.fw', '--out', 'plan.json', '--as-of', AS_OF], { cwd: d, env: env(em.url) });
  assert.is(r.code, 0, r.stderr);
  assert.is(readFileSync(join(d, 'victim.txt'), 'utf8'), 'keep');
  assert.is(JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8')).kind, 'plan');
  await em.stop();
  symlinkSync(join(d, 'victim.txt'), join(d, `.state.json.${process.pid}.tmp`));
  const stateful = await startEmulator({ stateFile: join(d, 'state.json'), rateLimit: 'off' });
  assert.is((await call(stateful, 'POST', '/v2/tags', { name: 'x1' })).status, 201);
  await stateful.stop();
  assert.is(readFileSync(join(d, 'victim.txt'), 'utf8'), 'keep');
  assert.equal(readdirSync(d).filter((f) => f.endsWith('.tmp') && !f.includes(String(process.pid))), [], 'a temporary file was left behind');
});
Files.run();

// ---

const Names = suite('control characters in names');
Names('a quoted resource name with an escape sequence is an error in the policy', async () => {
  const d = dir();
  writeFileSync(join(d, 'p.fw'), 'policy p\ntags web\nload-balancer "lb\u001b]8;;http://evil\u0007" may reach web on 80\n');
  const r = await runCli(['validate', 'p.fw'], { cwd: d });
  assert.is(r.code, 1);
  assert.match(r.stderr, /error\[FW102\]: the name "lb\\x1b\]8;;http:\/\/evil\\x07" holds a control character/);
  assert.not.match(r.stderr, /\u001b|\u0007/);
});
Names('names from the API are escaped in everything printed', async () => {
  const em = await startTestEmulator({ seed: SEED });
  const proxy = await startHostileProxy(em.url, (q) =>
    q.method === 'GET' && q.path === '/v2/droplets' ? { rewrite: (b: any) => ({ ...b, droplets: b.droplets.map((x: any) => ({ ...x, name: `${x.name}\u001b[2J` })) }) } : undefined,
  );
  const d = dir();
  writeFileSync(join(d, 'shop.fw'), POLICY);
  for (const format of ['text', 'markdown']) {
    const r = await runCli(['plan', 'shop.fw', '--format', format, '--as-of', AS_OF], { cwd: d, env: env(proxy.url) });
    // `droplet "legacy-1"` no longer matches: the suggestion names the API's droplet, escaped.
    assert.is(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /did you mean `legacy-1\\x1b\[2J`/, r.stderr);
    assert.not.match(r.stdout + r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f]/);
  }
  await proxy.stop();
  await em.stop();
});
Names('a policy file name cannot close a code block or open a comment in the Markdown plan', async () => {
  const em = await startTestEmulator({ seed: SEED });
  const d = dir();
  const name = 'x\n```\n<!--.fw';
  writeFileSync(join(d, name), 'policy x\ntags web\nanyone may reach web on 4443\n');
  const r = await runCli(['plan', name, '--format', 'markdown', '--as-of', AS_OF], { cwd: d, env: env(em.url) });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, /# x\\x0a\\x60\\x60\\x60\\x0a\\x3c!--\.fw:3/);
  assert.not.match(r.stdout, /<!--/);
  assert.is(r.stdout.split('\n').filter((l) => l.startsWith('```')).length % 2, 0, 'an unbalanced code fence');
  const text = await runCli(['plan', name, '--as-of', AS_OF], { cwd: d, env: env(em.url) });
  assert.match(text.stdout, /# x\\x0a```\\x0a<!--\.fw:3/);
  await em.stop();
});
Names.run();

// ---

const Emulator = suite('the emulator under bad requests');
Emulator('a bad %-escape in the path is a 400, not a 500', async () => {
  const em = await startTestEmulator({});
  const r = await call(em, 'GET', '/v2/tags/%zz');
  assert.is(r.status, 400, JSON.stringify(r.body));
  assert.equal(em.internalErrors(), []);
  await em.stop();
});
Emulator('a deeply nested body is a 400, not a 500', async () => {
  const em = await startTestEmulator({});
  const deep = '{"name":"fw-deep","inbound_rules":[{"protocol":"tcp","ports":"22","sources":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}]}';
  const r = await call(em, 'POST', '/v2/firewalls', deep);
  assert.is(r.status, 400, JSON.stringify(r.body));
  assert.match(r.body.message, /nested deeper than 32 levels/);
  const arrays = await call(em, 'POST', '/v2/tags', '{"name":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
  assert.is(arrays.status, 400);
  assert.equal(em.internalErrors(), []);
  await em.stop();
});
Emulator('an emulator whose --state cannot be written refuses to start', async () => {
  const d = dir();
  writeFileSync(join(d, 'file'), '');
  try {
    await startEmulator({ stateFile: join(d, 'file', 'state.json'), rateLimit: 'off' });
    assert.unreachable('it started');
  } catch (error) {
    assert.match((error as Error).message, /cannot write the state file .*state\.json: ENOTDIR/);
  }
  const r = runBin(['emulator', '--state', join(d, 'file', 'state.json')], { timeout: 30_000 });
  assert.is(r.code, 1, r.stderr);
  assert.match(r.stderr, /error: cannot write the state file/);
});
Emulator.run();
