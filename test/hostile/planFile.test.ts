// Saved plans edited or damaged (issue 16, item 1): apply executes a plan file's `desired` section, so
// what it shows and what the lockout guard judges are recomputed from that section and the account; a
// file that shows anything else is refused, as is one without `apiUrl`, one whose databases changed
// since, one that names firewalls its policies do not own, and one damaged out of shape.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse as parseYaml } from 'yaml';
import type { Emulator } from '../../src/emulator/index.js';
import { ROOT, runCli, type CliResult } from '../helpers/cli.js';
import { call, startTestEmulator, TOKEN } from '../helpers/emulator.js';

const AS_OF = '2026-11-24';
const SEED = join(ROOT, 'examples/demo-account.yaml');
const POLICY = readFileSync(join(ROOT, 'policies/shop.fw'), 'utf8');
const running: Emulator[] = [];

async function setup(seed: unknown = SEED): Promise<{ em: Emulator; dir: string }> {
  const em = await startTestEmulator({ seed: seed as never });
  running.push(em);
  const dir = mkdtempSync(join(tmpdir(), 'fwc-planfile-'));
  writeFileSync(join(dir, 'shop.fw'), POLICY);
  writeFileSync(join(dir, 'next.fw'), POLICY + '\nmonitor may reach web on 9090\n');
  return { em, dir };
}

const env = (url: string) => ({ DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: url, FWC_QUIET: '1' });
const fwc = (dir: string, url: string, args: string[]): Promise<CliResult> => runCli([...args, ...(args[0] === 'show' ? [] : ['--as-of', AS_OF])], { cwd: dir, env: env(url) });
const mutations = (em: Emulator) => em.requests().filter((r) => r.method !== 'GET').length;

async function planned(dir: string, url: string, policy: string): Promise<any> {
  const r = await fwc(dir, url, ['plan', policy, '--out', 'plan.json']);
  assert.is(r.code, 0, r.stderr);
  return JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
}

function save(dir: string, doc: unknown): void {
  writeFileSync(join(dir, 'plan.json'), JSON.stringify(doc, null, 2));
}

/** Applies plan.json and asserts it was refused with `code`, changing nothing. */
async function refusedPlan(em: Emulator, dir: string, message: RegExp, code = 1, flags = ['--allow-lockout']): Promise<CliResult> {
  const before = mutations(em);
  const r = await fwc(dir, em.url, ['apply', 'plan.json', '--auto-approve', ...flags]);
  assert.is(r.code, code, r.stdout + r.stderr);
  assert.match(r.stderr, message, r.stderr);
  assert.not.match(r.stderr, /internal error/);
  assert.is(mutations(em), before, 'a refused plan changed the account');
  return r;
}

const Edited = suite('saved plans do what they show, or nothing');
Edited.after.each(async () => {
  for (const em of running.splice(0)) await em.stop();
});

Edited('a plan whose `desired` was edited to open the database and close the bastion is refused', async () => {
  const { em, dir } = await setup();
  assert.is((await fwc(dir, em.url, ['apply', 'shop.fw', '--auto-approve', '--allow-lockout'])).code, 0);
  const doc = await planned(dir, em.url, 'next.fw');
  assert.equal(doc.firewalls.map((f: any) => f.name), ['fwc-shop-web']);
  const db = doc.desired.firewalls.find((f: any) => f.name === 'fwc-shop-db');
  db.inbound_rules.push({ protocol: 'tcp', ports: '5432', sources: { addresses: ['0.0.0.0/0', '::/0'] } });
  doc.desired.firewalls.find((f: any) => f.name === 'fwc-shop-bastion').inbound_rules = [];
  save(dir, doc);
  // `fwc show` renders the file as it is: the reviewer sees only the harmless change.
  const shown = await fwc(dir, em.url, ['show', 'plan.json']);
  assert.match(shown.stdout, /fwc-shop-web/);
  assert.not.match(shown.stdout, /fwc-shop-db/);
  const r = await refusedPlan(em, dir, /refusing to apply plan\.json: what it shows \(`summary`, `firewalls`, `reachability`.*\) is not what its `desired` section would do/);
  assert.match(r.stderr, /nothing was changed/);
});

Edited('the lockout guard judges what will be executed, not the warnings the file carries', async () => {
  // Without the operations team's SSH firewall, applying the shop policy locks cache and monitor out.
  const account = parseYaml(readFileSync(SEED, 'utf8')) as { firewalls: { name: string }[] };
  const { em, dir } = await setup({ ...account, firewalls: account.firewalls.filter((f) => f.name !== 'ops-ssh') });
  const doc = await planned(dir, em.url, 'shop.fw');
  assert.ok(doc.warnings.some((w: any) => w.code === 'ssh-lockout'));
  // Honest file: the guard refuses.
  await refusedPlan(em, dir, /refusing to apply: .*lose every SSH allow/, 1, []);
  // The warning deleted from the file (and the count with it): still refused.
  doc.warnings = doc.warnings.filter((w: any) => w.code !== 'ssh-lockout');
  doc.summary.warnings = doc.warnings.length;
  save(dir, doc);
  await refusedPlan(em, dir, /refusing to apply plan\.json: what it shows \(`summary`, `warnings`\)/, 1, []);
});

Edited('a plan without `apiUrl` is refused, not applied to whatever API is configured', async () => {
  const { em, dir } = await setup();
  const doc = await planned(dir, em.url, 'shop.fw');
  delete doc.apiUrl;
  save(dir, doc);
  await refusedPlan(em, dir, /plan\.json does not say which API it was made against/);
});

Edited('a trusted source added to a database after the plan makes it stale (exit 3), and stays', async () => {
  const { em, dir } = await setup();
  await planned(dir, em.url, 'shop.fw');
  const dbId = '9cc10173-e9ea-4176-9dbc-a4cee4c4ff30';
  const rules = (await call(em, 'GET', `/v2/databases/${dbId}/firewall`)).body.rules;
  const put = await call(em, 'PUT', `/v2/databases/${dbId}/firewall`, { rules: [...rules.map((r: any) => ({ uuid: r.uuid, type: r.type, value: r.value })), { type: 'ip_addr', value: '192.0.2.44' }] });
  assert.is(put.status, 204);
  await refusedPlan(em, dir, /stale.*\n.*trusted sources of database main-db .* changed/, 3);
  const after = (await call(em, 'GET', `/v2/databases/${dbId}/firewall`)).body.rules;
  assert.ok(after.some((r: any) => r.value === '192.0.2.44'));
});

Edited('a desired firewall its policies do not own (another tool\'s) is refused', async () => {
  const { em, dir } = await setup();
  const doc = await planned(dir, em.url, 'shop.fw');
  doc.desired.firewalls[0].name = 'ops-ssh';
  save(dir, doc);
  await refusedPlan(em, dir, /damaged or was edited: \/desired\/firewalls\/0: firewall ops-ssh is not named for any of its policies \(shop\)/);
});

Edited('a damaged plan file is a clear error for apply and show, never a crash', async () => {
  const { em, dir } = await setup();
  const doc = await planned(dir, em.url, 'shop.fw');
  for (const [edit, where] of [
    [(d: any) => (d.desired.firewalls[0] = null), /\/desired\/firewalls\/0/],
    [(d: any) => (d.desired.firewalls[0].inbound_rules[0].protocol = 'sctp'), /\/desired\/firewalls\/0\/inbound_rules\/0\/protocol/],
    [(d: any) => (d.firewalls = [null]), /\/firewalls\/0: must be an object/],
    [(d: any) => delete d.liveDatabases, /\/liveDatabases: must be a list/],
    [(d: any) => (d.reachability.allowed = [{ from: 'x' }]), /\/reachability\/allowed\/0\/from: must be a list/],
    [(d: any) => (d.warnings = [{ code: 'unused-tag', message: 'a\u001b[2Jb' }]), /\/warnings\/0\/message: holds a control character/],
    [(d: any) => (d.warnings = [{ code: 'x', message: 'm' }]), /\/warnings\/0\/code: must be one of no-firewall, ssh-lockout/],
  ] as const) {
    const copy = structuredClone(doc);
    edit(copy);
    save(dir, copy);
    await refusedPlan(em, dir, where);
    const shown = await fwc(dir, em.url, ['show', 'plan.json']);
    assert.is(shown.code, 1, shown.stderr);
    assert.match(shown.stderr, /plan\.json is damaged or was edited/);
    assert.match(shown.stderr, where);
  }
});

Edited('an honest saved plan still applies, and plan --out writes through no planted file', async () => {
  const { em, dir } = await setup();
  await planned(dir, em.url, 'shop.fw');
  const r = await fwc(dir, em.url, ['apply', 'plan.json', '--auto-approve', '--allow-lockout']);
  assert.is(r.code, 0, r.stderr);
});

Edited.run();
