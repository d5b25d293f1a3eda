/**
 * `fwc import --from-terraform`: a terraform.tfstate (version 4) and `terraform show -json` output of
 * the same configuration, through the whole round trip against the emulator (test/helpers/
 * importRoundTrip.ts); the state's firewalls only, the cluster's own left alone; and what the state
 * cannot give is a clear error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import { firewallResources } from '../../src/import/terraform.js';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator } from '../helpers/emulator.js';
import { assertGolden } from '../helpers/golden.js';
import { roundTrip } from '../helpers/importRoundTrip.js';

const DIR = new URL('../fixtures/import/terraform/', import.meta.url).pathname;
const withoutPort = (text: string) => text.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT');

/** The fixture with the emulator's firewall ids where the state has `FIREWALL-ID-<name>`. */
const withIds = (file: string) => (dir: string, firewalls: readonly { id: string; name: string }[]) => {
  let text = readFileSync(join(DIR, file), 'utf8');
  for (const f of firewalls) text = text.replaceAll(`FIREWALL-ID-${f.name}"`, `${f.id}"`);
  writeFileSync(join(dir, file), text);
};

for (const file of ['terraform.tfstate', 'show.json']) {
  test(`${file}: import, validate, plan, apply with every state equal to the start, plan again`, async () => {
    const { policy, importStderr } = await roundTrip(join(DIR, 'account.yaml'), ['--from-terraform', file], withIds(file));
    assert.not.match(importStderr, /matched firewall .* by name/, 'matched by id');
    assert.match(policy, /replaces firewall "tf-web"\nreplaces firewall "tf-db"|replaces firewall "tf-db"\nreplaces firewall "tf-web"/);
    assert.not.match(policy, /30000-32767/, 'the cluster’s firewall is not in the state, and not imported');
    assertGolden(withoutPort(policy), join(DIR, `expected-${file.replace(/\..*$/, '')}.fw`));
  });
}

test('both shapes give the same firewalls, with module addresses and count indexes', () => {
  const state = firewallResources(JSON.parse(readFileSync(join(DIR, 'terraform.tfstate'), 'utf8')));
  const show = firewallResources(JSON.parse(readFileSync(join(DIR, 'show.json'), 'utf8')));
  assert.equal(state.resources.map((r) => r.address), ['digitalocean_firewall.web', 'module.database.digitalocean_firewall.db']);
  assert.equal(show.resources.map((r) => r.address), state.resources.map((r) => r.address));
  assert.equal(show.resources.map((r) => r.attributes), state.resources.map((r) => r.attributes));
  assert.match(firewallResources({ version: 3, modules: [] }).problems[0]!, /version 3; fwc reads version 4/);
});

test('a state whose firewall is not in the account, or is not a state: refused, nothing written', async () => {
  const em = await startTestEmulator({ seed: parseYaml(readFileSync(join(DIR, 'account.yaml'), 'utf8')) });
  try {
    const env = { DIGITALOCEAN_TOKEN: 'read-only-token', DIGITALOCEAN_API_URL: em.url };
    const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'fwc-tf-'));
    const state = JSON.parse(readFileSync(join(DIR, 'terraform.tfstate'), 'utf8'));
    state.resources.find((r: { name: string; type: string }) => r.type === 'digitalocean_firewall' && r.name === 'web').instances[0].attributes.name = 'tf-gone';
    writeFileSync(join(dir, 'gone.tfstate'), JSON.stringify(state));
    const gone = await runCli(['import', '--from-terraform', 'gone.tfstate', '--out', 'p.fw'], { cwd: dir, env });
    assert.is(gone.code, 1);
    assert.match(gone.stderr, /digitalocean_firewall\.web \(firewall tf-gone, id FIREWALL-ID-tf-web\) is not in the account/);
    writeFileSync(join(dir, 'main.tf'), 'resource "digitalocean_firewall" "web" {}\n');
    const hcl = await runCli(['import', '--from-terraform', 'main.tf'], { cwd: dir, env });
    assert.is(hcl.code, 1);
    assert.match(hcl.stderr, /main\.tf is not JSON/);
    // By name, when the state's id is not the account's (a state copied from elsewhere): a note.
    const byName = await runCli(['import', '--from-terraform', join(DIR, 'terraform.tfstate'), '--policy', 'p'], { cwd: dir, env });
    assert.is(byName.code, 0, byName.stderr);
    assert.match(byName.stderr, /id FIREWALL-ID-tf-web is not in the account; matched firewall tf-web \(.*\) by name/);
  } finally {
    await em.stop();
  }
});

test('with no token, the state alone: the same policy, which the account then plans with no reachability change', async () => {
  const dir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'fwc-tf-'));
  const offline = await runCli(['import', '--from-terraform', join(DIR, 'terraform.tfstate'), '--policy', 'shop', '--out', 'shop.fw', '--as-of', '2026-11-24'], { cwd: dir, env: {} });
  assert.is(offline.code, 0, offline.stderr);
  assert.match(offline.stderr, /no DigitalOcean token: the names and the proof come from .*terraform\.tfstate alone/);
  const text = readFileSync(join(dir, 'shop.fw'), 'utf8');
  assert.match(text, /resolved against the state alone \(no token was given\)/);
  const body = (t: string) => t.slice(t.indexOf('\npolicy '));
  assert.is(body(text), body(readFileSync(join(DIR, 'expected-terraform.fw'), 'utf8')), 'the same statements as with the account');
  const em = await startTestEmulator({ seed: parseYaml(readFileSync(join(DIR, 'account.yaml'), 'utf8')) });
  try {
    const plan = await runCli(['plan', 'shop.fw', '--as-of', '2026-11-24'], { cwd: dir, env: { DIGITALOCEAN_TOKEN: 'read-only-token', DIGITALOCEAN_API_URL: em.url } });
    assert.is(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /No reachability changes\./);
    assert.match(plan.stdout, /Plan: 2 to add, 0 to change, 2 to destroy/);
  } finally {
    await em.stop();
  }
});

test.run();
