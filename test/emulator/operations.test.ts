// The emulator as an operated service: seeded fault injection (every kind, reproducible), state kept in
// a file written atomically (a killed emulator never leaves a torn file), seed files with clear errors,
// the request log without tokens, and `fwc emulator` on the command line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator } from '../../src/emulator/index.js';
import { assertNoContractViolations, call, startTestEmulator } from '../helpers/emulator.js';
import { ROOT } from '../helpers/cli.js';

const DIR = mkdtempSync(join(tmpdir(), 'fwc-emulator-'));
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }));
const SEED = { tags: ['web'], droplets: [{ id: 1, name: 'w', tags: ['web'] }] };
const FW = (name: string) => ({ name, tags: ['web'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['10.0.0.0/8'] } }] });

async function raw(url: string, method: string, body?: unknown): Promise<{ status: number | 'reset' }> {
  try {
    const r = await fetch(url, { method, headers: { authorization: 'Bearer fwc-emulator-token', 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    await r.text();
    return { status: r.status };
  } catch {
    return { status: 'reset' };
  }
}

const Faults = suite('fault injection');
Faults('5xx and 429 answer before any change; reset-before changes nothing; reset-after makes the change', async () => {
  const em = await startTestEmulator({ seed: SEED });
  try {
    for (const [kind, expect] of [['500', 500], ['502', 502], ['503', 503], ['429', 429]] as const) {
      em.setFaults(`rate=1;kinds=${kind}`);
      const r = await raw(`${em.url}/v2/firewalls`, 'POST', FW(`f-${kind}`));
      assert.is(r.status, expect);
      em.setFaults(null);
      assert.is(em.state().firewalls.length, 0, `${kind} made a change`);
    }
    em.setFaults('rate=1;kinds=reset-before');
    assert.is((await raw(`${em.url}/v2/firewalls`, 'POST', FW('before'))).status, 'reset');
    em.setFaults(null);
    assert.is(em.state().firewalls.length, 0, 'reset-before made the change');
    em.setFaults('rate=1;kinds=reset-after');
    assert.is((await raw(`${em.url}/v2/firewalls`, 'POST', FW('after'))).status, 'reset');
    em.setFaults(null);
    assert.equal(em.state().firewalls.map((f) => f.name), ['after'], 'reset-after did not make the change');
    em.setFaults('rate=0;latency=30-30ms');
    const t = Date.now();
    await raw(`${em.url}/v2/tags`, 'GET');
    assert.ok(Date.now() - t >= 28, 'latency was not applied');
    assertNoContractViolations(em);
  } finally {
    await em.stop();
  }
});
Faults('the same seed and requests give the same faults; methods and paths narrow them', async () => {
  const run = async (spec: string) => {
    const em = await startTestEmulator({ seed: SEED, faults: spec });
    const out: (number | string)[] = [];
    for (let i = 0; i < 30; i++) out.push((await raw(`${em.url}/v2/tags`, 'GET')).status);
    await em.stop();
    return out.join(',');
  };
  const a = await run('seed=7;rate=0.3;kinds=500,503');
  assert.is(a, await run('seed=7;rate=0.3;kinds=500,503'));
  assert.is.not(a, await run('seed=8;rate=0.3;kinds=500,503'));
  assert.match(a, /500|503/);
  assert.not.match(await run('seed=7;rate=1;kinds=500;methods=POST'), /500/);
  assert.not.match(await run('seed=7;rate=1;kinds=500;paths=^/v2/firewalls'), /500/);
});
Faults('bad fault specs are refused with what is wrong', async () => {
  for (const spec of ['rate=2', 'kinds=teapot', 'latency=fast', 'color=red']) {
    try {
      await startEmulator({ faults: spec, rateLimit: 'off' });
      assert.unreachable(spec);
    } catch (error) {
      assert.match((error as Error).message, /rate|kind|latency|unknown/);
    }
  }
});
Faults.run();

// ---

const State = suite('state file, seed files, request log');
State('state persists across restarts', async () => {
  const file = join(DIR, 'state.json');
  const a = await startTestEmulator({ seed: SEED, stateFile: file });
  await call(a, 'POST', '/v2/firewalls', FW('kept'));
  await a.stop();
  const b = await startTestEmulator({ stateFile: file });
  assert.equal((await call(b, 'GET', '/v2/firewalls')).body.firewalls.map((f: { name: string }) => f.name), ['kept']);
  await b.stop();
});
State('a killed emulator never leaves a torn state file', async () => {
  const file = join(DIR, 'kill.json');
  const script = `
    import { startEmulator } from ${JSON.stringify(new URL('../../src/emulator/index.ts', import.meta.url).href)};
    const em = await startEmulator({ stateFile: ${JSON.stringify(file)}, rateLimit: 'off', seed: { tags: ['web'] } });
    const h = { authorization: 'Bearer fwc-emulator-token', 'content-type': 'application/json' };
    let i = 0;
    console.log('ready');
    for (;;) {
      const rules = Array.from({ length: 40 }, (_, j) => ({ protocol: 'tcp', ports: String(1000 + j), sources: { addresses: ['10.0.' + (i % 200) + '.0/24'] } }));
      await fetch(em.url + '/v2/firewalls', { method: 'POST', headers: h, body: JSON.stringify({ name: 'f' + i++, tags: ['web'], inbound_rules: rules }) });
    }`;
  for (let round = 0; round < 4; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    // Kill it mid-write: once the first change is on disk (a loaded machine may take a while), later.
    // (The file is written at start, empty; wait for a firewall in it.)
    const hasFirewall = () => existsSync(file) && readFileSync(file, 'utf8').includes('"f0"');
    for (let waited = 0; !hasFirewall() && waited < 20_000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20 + round * 60));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(existsSync(file));
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    assert.is(doc.formatVersion, 1);
    assert.ok(doc.state.firewalls.length > 0);
  }
});
State('seed files: YAML and JSON; mistakes name where they are', async () => {
  const yaml = join(DIR, 'seed.yaml');
  writeFileSync(yaml, 'tags: [web]\ndroplets:\n  - { name: a, tags: [web, db], private_ipv4: 10.0.0.1 }\n');
  const em = await startTestEmulator({ seed: yaml });
  assert.equal(em.state().tags.sort(), ['db', 'web']);
  await em.stop();
  const json = join(DIR, 'seed.json');
  writeFileSync(json, JSON.stringify({ droplets: [{ name: 'b' }] }));
  const em2 = await startTestEmulator({ seed: json });
  assert.is(em2.state().droplets.length, 1);
  await em2.stop();
  const bad: [string, RegExp][] = [
    ['droplets: [{ tags: [web] }]', /droplets\[0\]\.name/],
    ['droplets: [{ name: a, private_ipv4: 10.0.0.300 }]', /private_ipv4/],
    ['wires: []', /wires.*not a seed section/],
    ['firewalls: [{ name: x_y }]', /firewalls\[0\]\.name/],
    ['kubernetes_clusters: [{ name: k, node_droplet_ids: [9] }]', /droplet 9/],
    ['[1, 2', /not valid JSON or YAML/],
  ];
  for (const [text, message] of bad) {
    const file = join(DIR, 'bad.yaml');
    writeFileSync(file, text);
    try {
      await startTestEmulator({ seed: file });
      assert.unreachable(text);
    } catch (error) {
      assert.match((error as Error).message, message, text);
    }
  }
});
State('the request log has every request and never a token', async () => {
  const log = join(DIR, 'requests.jsonl');
  const token = `dop_v1_${'ab'.repeat(32)}`;
  const em = await startTestEmulator({ seed: SEED, requestLog: log, tokens: [{ token, scopes: 'all' }] });
  await call(em, 'GET', '/v2/firewalls', undefined, token);
  await call(em, 'POST', '/v2/firewalls', FW('logged'), token);
  await call(em, 'GET', '/v2/firewalls', undefined, 'nope');
  await em.stop();
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.map((l) => [l.method, l.status, l.operationId]), [['GET', 200, 'firewalls_list'], ['POST', 202, 'firewalls_create'], ['GET', 401, 'firewalls_list']]);
  assert.not.match(readFileSync(log, 'utf8'), token.slice(8));
  assert.not.match(readFileSync(log, 'utf8'), /authorization|Bearer/i);
});
State('a request log that cannot be written does not take the emulator down', async () => {
  // A folder where the log file should be: every append fails (EISDIR).
  const em = await startTestEmulator({ seed: SEED, requestLog: DIR });
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    assert.is((await call(em, 'GET', '/v2/firewalls')).status, 200);
    assert.is((await call(em, 'POST', '/v2/firewalls', FW('after-log'))).status, 202);
    await new Promise((r) => setImmediate(r));
    assert.is(warnings.filter((w) => /request log cannot be written/.test(w)).length, 1, warnings.join('\n'));
    assert.is(em.requests().length, 2);
  } finally {
    process.off('warning', onWarning);
    await em.stop();
  }
});
State.run();

// ---

const Cli = suite('fwc emulator');
Cli('prints its base URL first, serves, and stops cleanly on SIGTERM', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'emulator', '--token', 'secret-t', '--rate-limit', 'off'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve) => child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(out.split('\n')[0]!);
  }));
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const r = await fetch(`${url}/v2/tags`, { headers: { authorization: 'Bearer secret-t' } });
  assert.is(r.status, 200);
  child.kill('SIGTERM');
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.is(code, 0);
  assert.not.match(out + err, 'secret-t');
});
Cli('bad flags and seed files are clear errors, not stack traces', async () => {
  const run = (args: string[]) =>
    new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/entry.ts', 'emulator', ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d) => (err += d));
      child.once('exit', (code) => resolve({ code, err }));
    });
  const port = await run(['--port', 'eighty']);
  assert.is(port.code, 2);
  assert.match(port.err, '--port takes a port number');
  const faults = await run(['--faults', 'rate=7']);
  assert.is(faults.code, 2);
  const seed = join(DIR, 'cli-bad.yaml');
  writeFileSync(seed, 'droplets: [{ tags: [web] }]');
  const bad = await run(['--seed', seed]);
  assert.is(bad.code, 1);
  assert.match(bad.err, 'droplets[0].name');
  assert.not.match(bad.err, /\n\s+at /);
});
Cli.run();
