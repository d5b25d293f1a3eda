// `fwc apply` against the emulator: every state the account passes through keeps what both versions
// allow and lets in nothing neither allows; faults, kills and a concurrent apply all converge; what fwc
// does not own is never touched; refusals change nothing.
// FWC_APPLY_RUNS sets how many seeded fault runs to make (default 10).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import { parse as parseYaml } from 'yaml';
import * as assert from 'uvu/assert';
import { Network } from '../../src/analysis/network.js';
import { DigitalOceanClient } from '../../src/digitalocean/client.js';
import { readAccount, type ReadAccount } from '../../src/digitalocean/read.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { accountHosts } from '../../src/plan/hosts.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { BIN, ROOT, runCli, type CliResult } from '../helpers/cli.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import { assertNoContractViolations, call, startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { firewallsOf, gaps, type RecordedState } from '../helpers/recordedApply.js';

const AS_OF = '2026-11-24';
const SEED = join(ROOT, 'examples/demo-account.yaml');
const OLD = readFileSync(join(ROOT, 'test/fixtures/apply/old-shop.fw'), 'utf8');
const NEW = readFileSync(join(ROOT, 'policies/shop.fw'), 'utf8');
const RUNS = Number(process.env.FWC_APPLY_RUNS ?? 10);
/** Quick retries (the Terraform provider's variables), so that fault runs take seconds. */
const FAST_RETRIES = { DIGITALOCEAN_HTTP_RETRY_WAIT_MIN: '0.005', DIGITALOCEAN_HTTP_RETRY_WAIT_MAX: '0.02', DIGITALOCEAN_HTTP_RETRY_MAX: '3' };

// Emulators still running when a test fails are stopped after it, so a failure cannot hang the file.
const running = new Set<Emulator>();
async function emulator(options: EmulatorOptions): Promise<Emulator> {
  const em = await startTestEmulator(options);
  running.add(em);
  return em;
}
async function stop(em: Emulator): Promise<void> {
  if (running.delete(em)) await em.stop();
}
const stopAll = () => Promise.all([...running].map(stop)).then(() => undefined);

function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwc-apply-'));
  writeFileSync(join(dir, 'old.fw'), OLD);
  writeFileSync(join(dir, 'new.fw'), NEW);
  return dir;
}

const envFor = (url: string, extra: Record<string, string> = {}) => ({ DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: url, FWC_QUIET: '1', ...extra });

function apply(dir: string, file: string, url: string, extra: Record<string, string> = {}, flags: string[] = ['--allow-lockout']): Promise<CliResult> {
  return runCli(['apply', file, '--auto-approve', '--as-of', AS_OF, ...flags], { cwd: dir, env: envFor(url, extra) });
}

/** Applies until it succeeds (a run may fail part way when retries run out); at most `tries` times. */
async function applyUntilDone(dir: string, file: string, url: string, extra: Record<string, string> = {}, tries = 6): Promise<CliResult[]> {
  const results: CliResult[] = [];
  for (let i = 0; i < tries; i++) {
    const r = await apply(dir, file, url, extra);
    results.push(r);
    if (r.code === 0) return results;
  }
  assert.unreachable(`apply did not converge in ${tries} runs:\n${results.map((r) => r.stdout + r.stderr).join('\n---\n')}`);
  return results;
}

async function applied(dir: string, file: string, url: string): Promise<void> {
  const r = await apply(dir, file, url);
  assert.is(r.code, 0, `apply ${file} failed:\n${r.stdout}${r.stderr}`);
}

/** `fwc apply new.fw` as its own process (the built program), for tests that signal it mid-way. */
function spawnApply(dir: string, url: string): { child: ReturnType<typeof spawn>; exit: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, 'apply', 'new.fw', '--auto-approve', '--allow-lockout', '--as-of', AS_OF], {
    cwd: dir,
    env: { PATH: process.env.PATH, ...envFor(url) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  return { child, exit: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr }))) };
}

async function planExit(dir: string, file: string, url: string): Promise<CliResult> {
  return runCli(['plan', file, '--detailed-exitcode', '--as-of', AS_OF], { cwd: dir, env: envFor(url) });
}

async function read(url: string): Promise<ReadAccount> {
  return readAccount(new DigitalOceanClient({ baseUrl: new URL(url), token: TOKEN }));
}

/** What must hold after any apply: names unique, the policy matched, unmanaged firewalls as they were. */
async function assertConverged(dir: string, url: string, unmanagedBefore: string): Promise<void> {
  const account = await read(url);
  const names = account.firewalls.map((f) => f.name.toLowerCase());
  assert.equal(names.filter((n, i) => names.indexOf(n) !== i), [], 'duplicate firewalls');
  const plan = await planExit(dir, 'new.fw', url);
  assert.is(plan.code, 0, `a plan after apply shows changes:\n${plan.stdout}${plan.stderr}`);
  assert.is(unmanaged(account), unmanagedBefore, 'an unmanaged firewall was changed');
}

const unmanaged = (account: ReadAccount) =>
  JSON.stringify(account.firewalls.filter((f) => !f.name.startsWith('fwc-')).map((f) => [f.id, f.fingerprint]).sort());

// --- the gap-free invariant, checked on the emulator's own state (test/helpers/recordedApply.ts)

const Gapless = suite('apply without a gap');
Gapless('every state between the old and the new policy keeps what both allow and lets in nothing neither allows', async () => {
  const states: RecordedState[] = [];
  let recording = false;
  const em = await emulator({ seed: SEED, onMutation: (state, r) => recording && states.push({ state, request: `${r.method} ${r.path}` }) });
  const dir = workdir();
  await applied(dir, 'old.fw', em.url);
  const before = em.state();
  const account = await read(em.url);
  recording = true;
  const result = await apply(dir, 'new.fw', em.url);
  recording = false;
  assert.is(result.code, 0, result.stderr);
  const after = em.state();

  const built = buildPolicies([new SourceFile('new.fw', NEW)], { asOf: AS_OF }).policies;
  const oldBuilt = buildPolicies([new SourceFile('old.fw', OLD)], { asOf: AS_OF }).policies;
  const all = [before, after, ...states.map((s) => s.state)].flatMap(firewallsOf);
  const hosts = accountHosts(account, all, [...built, ...oldBuilt].map((b) => b.policy), []);
  const oldNet = new Network(firewallsOf(before));
  const newNet = new Network(firewallsOf(after));
  assert.ok(states.length >= 5, `only ${states.length} changes were made`);
  for (const [i, { state, request }] of states.entries()) {
    assert.equal(gaps(oldNet, newNet, new Network(firewallsOf(state)), hosts), [], `after change ${i + 1} (${request})`);
  }
  // The check can fail: with no firewall at all, everything is open, which neither version allows.
  assert.ok(gaps(oldNet, newNet, new Network([]), hosts).some((p) => p.startsWith('opened')));
  // …and removing a firewall both versions keep cuts traffic both allow.
  const withoutWeb = firewallsOf(before).filter((f) => f.name !== 'fwc-shop-web');
  assert.ok(gaps(oldNet, newNet, new Network(withoutWeb), hosts).length > 0);

  // At most four changing requests per changed firewall; one per created or deleted firewall.
  const mutating = states.map((s) => s.request).filter((r) => r.includes('/v2/firewalls'));
  const perFirewall = new Map<string, number>();
  for (const r of mutating) {
    const id = /\/v2\/firewalls\/([^/]+)/.exec(r)?.[1] ?? 'new';
    perFirewall.set(id, (perFirewall.get(id) ?? 0) + 1);
  }
  for (const [id, n] of perFirewall) if (id !== 'new') assert.ok(n <= 4, `${n} requests changed firewall ${id}`);
  assertNoContractViolations(em, { probes: true });
  await stop(em);
});
Gapless.after.each(stopAll);
Gapless.run();

// ---

const Faults = suite('apply under faults');
Faults(`${RUNS} seeded runs with 5xx, 429, resets before and after the change, and latency converge`, async () => {
  let partial = 0;
  for (let seed = 1; seed <= RUNS; seed++) {
    const em = await emulator({ seed: SEED });
    const dir = workdir();
    await applied(dir, 'old.fw', em.url);
    const unmanagedBefore = unmanaged(await read(em.url));
    // Odd seeds: retries absorb the faults. Even seeds: more faults and two retries, so applies fail part
    // way and the next one must pick up from wherever the last one stopped.
    const harsh = seed % 2 === 0;
    em.setFaults(`seed=${seed};rate=${harsh ? 0.3 : 0.2};kinds=500,502,503,429,reset-before,reset-after;latency=0-4ms`);
    const runs = await applyUntilDone(dir, 'new.fw', em.url, harsh ? { ...FAST_RETRIES, DIGITALOCEAN_HTTP_RETRY_MAX: '2' } : FAST_RETRIES, 10);
    partial += runs.length - 1;
    const faults = em.requests().filter((r) => r.fault !== null).length;
    assert.ok(faults > 0, `seed ${seed}: no fault was injected`);
    em.setFaults(null);
    await assertConverged(dir, em.url, unmanagedBefore);
    assertNoContractViolations(em, { probes: true });
    await stop(em);
    if (process.env.FWC_VERBOSE) console.log(`seed ${seed}: ${faults} faults, ${runs.length} apply run(s)`);
  }
  assert.ok(RUNS < 4 || partial > 0, 'no apply failed part way: the harsh runs test nothing');
});
Faults('a create whose answer is lost is not made twice', async () => {
  const em = await emulator({ seed: SEED });
  const dir = workdir();
  const unmanagedBefore = unmanaged(await read(em.url));
  // Every firewall create is made and its answer lost, once per create at least.
  em.setFaults('seed=5;rate=0.6;kinds=reset-after;methods=POST;paths=^/v2/firewalls$');
  await applyUntilDone(dir, 'new.fw', em.url, FAST_RETRIES, 8);
  em.setFaults(null);
  assert.ok(em.requests().some((r) => r.fault === 'reset-after'));
  await assertConverged(dir, em.url, unmanagedBefore);
  await stop(em);
});
Faults.after.each(stopAll);
Faults.run();

// ---

const Interrupted = suite('apply interrupted');
Interrupted('killed with SIGKILL after the 1st, 3rd, 5th and 8th of its 9 changes, the next apply finishes the job', async () => {
  for (const killAfter of [1, 3, 5, 8]) {
    let changes = 0;
    let child: ReturnType<typeof spawn> | null = null;
    const em = await emulator({
      seed: SEED,
      onMutation: () => {
        if (++changes === killAfter) child?.kill('SIGKILL');
      },
    });
    const dir = workdir();
    await applied(dir, 'old.fw', em.url);
    const unmanagedBefore = unmanaged(await read(em.url));
    changes = 0;
    const run = spawnApply(dir, em.url);
    child = run.child;
    assert.is((await run.exit).signal, 'SIGKILL', `apply finished before change ${killAfter}`);
    const second = await apply(dir, 'new.fw', em.url);
    assert.is(second.code, 0, second.stderr);
    await assertConverged(dir, em.url, unmanagedBefore);
    await stop(em);
  }
});
Interrupted('Ctrl-C (SIGINT) during the steps stops with exit 130 and a hint; the next apply finishes the job', async () => {
  let changes = 0;
  let child: ReturnType<typeof spawn> | null = null;
  // Latency keeps the apply busy long enough for the signal to land between steps.
  const em = await emulator({ seed: SEED, faults: 'rate=0;latency=30ms', onMutation: () => ++changes === 2 && child?.kill('SIGINT') });
  const dir = workdir();
  const unmanagedBefore = unmanaged(await read(em.url));
  const run = spawnApply(dir, em.url);
  child = run.child;
  const { code, stderr } = await run.exit;
  assert.is(code, 130, stderr);
  assert.match(stderr, /interrupted/i);
  assert.match(stderr, /fwc apply/);
  assert.not.match(stderr, /at .*\.(c?js|ts):\d+/);
  const again = await apply(dir, 'new.fw', em.url);
  assert.is(again.code, 0, again.stderr);
  await assertConverged(dir, em.url, unmanagedBefore);
  await stop(em);
});
Interrupted('two applies started at the same time end with the policy applied and no duplicates', async () => {
  const em = await emulator({ seed: SEED });
  const dir = workdir();
  const unmanagedBefore = unmanaged(await read(em.url));
  const [a, b] = await Promise.all([apply(dir, 'new.fw', em.url), apply(dir, 'new.fw', em.url)]);
  // One of them may lose a race (a name taken, a rule gone); running it again must finish.
  if (a.code !== 0 || b.code !== 0) assert.is((await apply(dir, 'new.fw', em.url)).code, 0);
  await assertConverged(dir, em.url, unmanagedBefore);
  await stop(em);
});
Interrupted.after.each(stopAll);
Interrupted.run();

// ---

const Refusals = suite('apply refuses and changes nothing');
Refusals('a saved plan made stale by a change since exits 3', async () => {
  const em = await emulator({ seed: SEED });
  const dir = workdir();
  await applied(dir, 'old.fw', em.url);
  const planned = await runCli(['plan', 'new.fw', '--out', 'plan.json', '--as-of', AS_OF], { cwd: dir, env: envFor(em.url) });
  assert.is(planned.code, 0, planned.stderr);
  const web = (await read(em.url)).firewalls.find((f) => f.name === 'fwc-shop-web')!;
  assert.is((await call(em, 'POST', `/v2/firewalls/${web.id}/rules`, { inbound_rules: [{ protocol: 'tcp', ports: '2222', sources: { addresses: ['192.0.2.1'] } }] })).status, 204);
  const mutations = em.requests().filter((r) => r.method !== 'GET').length;
  const r = await runCli(['apply', 'plan.json', '--auto-approve'], { cwd: dir, env: envFor(em.url) });
  assert.is(r.code, 3);
  assert.match(r.stderr, /stale/);
  assert.match(r.stderr, /fwc-shop-web .* changed/);
  assert.is(em.requests().filter((x) => x.method !== 'GET').length, mutations, 'a stale plan changed something');
  await stop(em);
});
Refusals('a saved plan that is still current applies', async () => {
  const em = await emulator({ seed: SEED });
  const dir = workdir();
  assert.is((await runCli(['plan', 'new.fw', '--out', 'plan.json', '--as-of', AS_OF], { cwd: dir, env: envFor(em.url) })).code, 0);
  const r = await runCli(['apply', 'plan.json', '--auto-approve', '--allow-lockout'], { cwd: dir, env: envFor(em.url) });
  assert.is(r.code, 0, r.stderr);
  assert.is((await planExit(dir, 'new.fw', em.url)).code, 0);
  await stop(em);
});
Refusals('a read-only token fails before any change, naming the missing scopes', async () => {
  const em = await emulator({ seed: SEED, tokens: [{ token: TOKEN, scopes: 'read' }] });
  const dir = workdir();
  const r = await apply(dir, 'new.fw', em.url);
  assert.is(r.code, 1);
  assert.match(r.stderr, /lacks the scopes? .*firewall:create/);
  assert.match(r.stderr, /nothing was changed/);
  assert.is(em.requests().filter((x) => x.method !== 'GET' && (x.status ?? 0) < 400 && x.status !== null).length, 0);
  await stop(em);
});
Refusals('losing every SSH allow is refused without --allow-lockout; without a terminal, so is no --auto-approve', async () => {
  // Without the operations team's SSH firewall, the cache and monitor droplets would lose SSH.
  const account = parseYaml(readFileSync(SEED, 'utf8')) as { firewalls: { name: string }[] };
  const em = await emulator({ seed: { ...account, firewalls: account.firewalls.filter((f) => f.name !== 'ops-ssh') } as never });
  const dir = workdir();
  const locked = await apply(dir, 'new.fw', em.url, {}, []);
  assert.is(locked.code, 1);
  assert.match(locked.stderr, /SSH/);
  assert.match(locked.stderr, /--allow-lockout/);
  const unasked = await runCli(['apply', 'new.fw', '--allow-lockout', '--as-of', AS_OF], { cwd: dir, env: envFor(em.url) });
  assert.is(unasked.code, 2);
  assert.match(unasked.stderr, /--auto-approve/);
  assert.is(em.requests().filter((x) => x.method !== 'GET').length, 0);
  await stop(em);
});
Refusals('a second apply of the same policy changes nothing', async () => {
  const em = await emulator({ seed: SEED });
  const dir = workdir();
  assert.is((await apply(dir, 'new.fw', em.url)).code, 0);
  const mutations = em.requests().filter((x) => x.method !== 'GET').length;
  const again = await apply(dir, 'new.fw', em.url);
  assert.is(again.code, 0);
  assert.match(again.stdout, /No changes/);
  assert.is(em.requests().filter((x) => x.method !== 'GET').length, mutations);
  await stop(em);
});
Refusals.after.each(stopAll);
Refusals.run();
