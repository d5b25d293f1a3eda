/**
 * The `fwc import` round trip against the emulator (test/import/), on seeded accounts with droplets attached by tag and by
 * id, several firewalls on overlapping tags, deny rules, IPv6, load balancers, a cluster with its own
 * `k8s-…` firewall and a managed database: import (read-only token) → validate clean → plan "No
 * reachability changes." → apply, with the account after every mutating request equal in reachability
 * to the start on every host pair (each droplet alone, every address piece) → a second plan "No
 * changes." → the imported firewalls gone, the `k8s-…` one untouched, the database's trusted sources too.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { Network } from '../../src/analysis/network.js';
import { sameBits } from '../../src/analysis/portAtoms.js';
import { DigitalOceanClient } from '../../src/digitalocean/client.js';
import { readAccount } from '../../src/digitalocean/read.js';
import type { EmulatorStateSnapshot } from '../../src/emulator/state.js';
import { exactHosts } from '../../src/import/prove.js';
import { runCli } from './cli.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from './emulator.js';
import { databasesOf, firewallsOf } from './recordedApply.js';

const AS_OF = '2026-11-24';
const READ_ONLY = 'read-only-token';

/** Every recorded state against the start, exactly: the first host pair whose services differ. */
async function differingStates(url: string, start: EmulatorStateSnapshot, states: readonly { state: EmulatorStateSnapshot; request: string }[]): Promise<string[]> {
  const account = await readAccount(new DigitalOceanClient({ baseUrl: new URL(url), token: TOKEN }));
  const all = [start, ...states.map((s) => s.state)];
  const atoms = Network.atomsOf(...all.map(firewallsOf));
  const hosts = exactHosts(account, all.flatMap(firewallsOf));
  const startNet = new Network(firewallsOf(start), databasesOf(start), atoms);
  const a = new Uint32Array(atoms.words);
  const b = new Uint32Array(atoms.words);
  const out: string[] = [];
  for (const [i, { state, request }] of states.entries()) {
    const net = new Network(firewallsOf(state), databasesOf(state), atoms);
    search: for (const src of hosts) {
      for (const dst of hosts) {
        if (src === dst || (src.kind !== 'droplet' && dst.kind !== 'droplet')) continue;
        if (!sameBits(startNet.allowedBits(src, dst, a), net.allowedBits(src, dst, b))) {
          out.push(`after change ${i + 1} (${request}): ${src.label} → ${dst.label} differs from the start`);
          break search;
        }
      }
    }
  }
  return out;
}

export interface RoundTrip {
  readonly policy: string;
  readonly imported: string;
  readonly importStderr: string;
}

/** The whole round trip on one seed; `importArgs` choose what is imported (default `--all`). */
export async function roundTrip(
  seedPath: string,
  importArgs: readonly string[],
  prepare?: (dir: string, firewalls: readonly { id: string; name: string }[]) => void,
): Promise<RoundTrip> {
  const seed = parseYaml(readFileSync(seedPath, 'utf8'));
  const states: { state: EmulatorStateSnapshot; request: string }[] = [];
  let recording = false;
  const em = await startTestEmulator({ seed, onMutation: (state, r) => recording && states.push({ state, request: `${r.method} ${r.path}` }) });
  const dir = mkdtempSync(join(tmpdir(), 'fwc-import-'));
  prepare?.(dir, em.state().firewalls.map((f) => ({ id: f.id, name: f.name })));
  const env = (token: string) => ({ DIGITALOCEAN_TOKEN: token, DIGITALOCEAN_API_URL: em.url, FWC_QUIET: '1' });
  try {
    const before = em.state();
    const imported = await runCli(['import', ...importArgs, '--policy', 'shop', '--out', 'shop.fw', '--as-of', AS_OF], { cwd: dir, env: env(READ_ONLY) });
    assert.is(imported.code, 0, imported.stderr);
    assert.equal(em.state(), before, 'import changes nothing');
    const policy = readFileSync(join(dir, 'shop.fw'), 'utf8');

    const validate = await runCli(['validate', 'shop.fw', '--as-of', AS_OF], { cwd: dir });
    assert.is(validate.code, 0, validate.stderr);
    assert.is(validate.stderr, '', 'validate is clean: no warning');
    const fmt = await runCli(['fmt', '--check', 'shop.fw'], { cwd: dir });
    assert.is(fmt.code, 0, `the import is formatted as fwc fmt would: ${fmt.stdout}${fmt.stderr}`);

    const plan = await runCli(['plan', 'shop.fw', '--as-of', AS_OF], { cwd: dir, env: env(READ_ONLY) });
    assert.is(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /No reachability changes\./);

    recording = true;
    const applied = await runCli(['apply', 'shop.fw', '--auto-approve', '--as-of', AS_OF], { cwd: dir, env: env(TOKEN) });
    recording = false;
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.ok(states.length > 0);
    assert.equal(await differingStates(em.url, before, states), [], 'every state the account went through equals the start');

    const again = await runCli(['plan', 'shop.fw', '--as-of', AS_OF, '--detailed-exitcode'], { cwd: dir, env: env(READ_ONLY) });
    assert.is(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes\./);

    const after = em.state();
    const replaced = [...policy.matchAll(/^replaces firewall "([^"]+)"/gm)].map((m) => m[1]!);
    assert.ok(replaced.length > 0);
    for (const name of replaced) assert.not.ok(after.firewalls.some((f) => f.name === name), `${name} was deleted`);
    const k8sBefore = before.firewalls.filter((f) => f.name.startsWith('k8s-'));
    assert.equal(after.firewalls.filter((f) => f.name.startsWith('k8s-')), k8sBefore, 'the k8s- firewalls are untouched');
    assert.equal(after.databases, before.databases, 'databases are untouched');
    assertNoContractViolations(em, { probes: true });
    return { policy, imported: imported.stdout, importStderr: imported.stderr };
  } finally {
    await em.stop();
  }
}

