/**
 * `fwc import` on what it must refuse or mark: a rule that a policy cannot say exactly is refused with
 * the firewall and the rule, and nothing is written; with --best-effort the statement is marked. And the
 * selection: `--firewall` takes only what is named, `k8s-…` only when named (and then not replaced).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../helpers/cli.js';
import { startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { assertGolden } from '../helpers/golden.js';

const AS_OF = '2026-11-24';
const OPEN_OUT = [
  { protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
  { protocol: 'udp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
  { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
];

// `jobs` may only send https; `queue` admits tcp 5672 from `jobs`. Today only jobs-1 can send it (its
// other tag, ops, has open egress in a firewall that is not imported). A grant `jobs may reach queue on
// 5672` would also open jobs-2's egress on 5672: not exact. (Were no jobs droplet able to send it, the
// rule would pass nothing today and be left out, exactly.)
const seed = {
  droplets: [
    { id: 11, name: 'jobs-1', tags: ['jobs', 'ops'], private_ipv4: '10.0.0.11' },
    { id: 14, name: 'jobs-2', tags: ['jobs'], private_ipv4: '10.0.0.14' },
    { id: 12, name: 'queue-1', tags: ['queue'], private_ipv4: '10.0.0.12' },
    { id: 13, name: 'k-node', private_ipv4: '10.0.0.13' },
  ],
  kubernetes_clusters: [{ id: 'bd5f5959-5e1e-4205-a714-a914373942af', name: 'k', node_droplet_ids: [13] }],
  firewalls: [
    { name: 'jobs-egress', tags: ['jobs'], inbound_rules: [], outbound_rules: [{ protocol: 'tcp', ports: '443', destinations: { addresses: ['0.0.0.0/0', '::/0'] } }] },
    { name: 'ops-open', tags: ['ops'], inbound_rules: [], outbound_rules: OPEN_OUT },
    { name: 'queue-in', tags: ['queue'], inbound_rules: [{ protocol: 'tcp', ports: '5672', sources: { tags: ['jobs'] } }], outbound_rules: OPEN_OUT },
    {
      name: 'k8s-bd5f5959-5e1e-4205-a714-a914373942af-worker',
      tags: ['k8s:bd5f5959-5e1e-4205-a714-a914373942af'],
      inbound_rules: [{ protocol: 'tcp', ports: '30000-32767', sources: { addresses: ['0.0.0.0/0', '::/0'] } }],
      outbound_rules: OPEN_OUT,
    },
  ],
};

async function withAccount(work: (run: (args: string[]) => ReturnType<typeof runCli>, dir: string) => Promise<void>) {
  const em = await startTestEmulator({ seed: seed as never });
  const dir = mkdtempSync(join(tmpdir(), 'fwc-import-'));
  try {
    await work((args) => runCli(['import', ...args, '--as-of', AS_OF], { cwd: dir, env: { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url } }), dir);
  } finally {
    await em.stop();
  }
}

test('an inexact import is refused, naming the firewall and rule, and nothing is written', () =>
  withAccount(async (run, dir) => {
    const r = await run(['--firewall', 'jobs-egress', '--firewall', 'queue-in', '--out', 'p.fw']);
    assert.is(r.code, 1);
    assert.not.ok(existsSync(join(dir, 'p.fw')), 'nothing written');
    assert.match(r.stderr, /error: the import would not be exact; nothing was written/);
    assert.match(r.stderr, /would newly let droplet jobs-2 \(14\) reach droplet queue-1 \(12\) on tcp 5672/);
    assert.match(r.stderr, /today: firewall queue-in: allow inbound tcp 5672 from tag:jobs;/);
    assert.match(r.stderr, /in the policy: line \d+ \(fwc-p-jobs\): allow outbound tcp 5672 to tag:queue/);
  }));

test('with --best-effort it is written, the inexact statement marked, exit 3', () =>
  withAccount(async (run, dir) => {
    const r = await run(['--firewall', 'jobs-egress', '--firewall', 'queue-in', '--best-effort', '--out', 'p.fw', '--policy', 'p']);
    assert.is(r.code, 3, r.stderr);
    const text = readFileSync(join(dir, 'p.fw'), 'utf8');
    assert.match(text, /# INEXACT \(fwc import --best-effort\): newly lets droplet jobs-2 \(14\) reach droplet queue-1 \(12\) on tcp 5672\njobs may reach queue on 5672/);
    assertGolden(text.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT'), new URL('../fixtures/import/best-effort.fw', import.meta.url).pathname);
  }));

test('--firewall takes only what is named; a k8s- firewall only when named, and it is not replaced', () =>
  withAccount(async (run) => {
    const one = await run(['--firewall', 'jobs-egress', '--policy', 'p']);
    assert.is(one.code, 0, one.stderr);
    assert.match(one.stdout, /replaces firewall "jobs-egress"/);
    assert.not.match(one.stdout, /queue/);
    const all = await run(['--all', '--best-effort']);
    assert.not.match(all.stdout, /30000-32767/, 'the k8s- firewall is not imported by --all');
    const k8s = await run(['--firewall', 'k8s-bd5f5959-5e1e-4205-a714-a914373942af-worker', '--policy', 'p']);
    assert.is(k8s.code, 0, k8s.stderr);
    assert.match(k8s.stdout, /may reach "?k8s:bd5f5959-5e1e-4205-a714-a914373942af"? on 30000-32767/);
    assert.not.match(k8s.stdout, /^replaces firewall/m);
    assert.match(k8s.stdout, /Imported, and left in place: k8s-bd5f5959/);
  }));

test('what cannot be imported is a clear error: an unknown name, no selection, an existing file', () =>
  withAccount(async (run, dir) => {
    const unknown = await run(['--firewall', 'nope']);
    assert.is(unknown.code, 1);
    assert.match(unknown.stderr, /no firewall named `nope` in the account/);
    const none = await run([]);
    assert.is(none.code, 2);
    assert.match(none.stderr, /say which firewalls to import/);
    writeFileSync(join(dir, 'taken.fw'), 'policy mine\n');
    const taken = await run(['--all', '--out', 'taken.fw']);
    assert.is(taken.code, 1);
    assert.match(taken.stderr, /taken\.fw exists; fwc import does not overwrite a file/);
    assert.is(readFileSync(join(dir, 'taken.fw'), 'utf8'), 'policy mine\n');
  }));

test('a policy name that already owns firewalls in the account is refused', async () => {
  const em = await startTestEmulator({ seed: { ...seed, firewalls: [...seed.firewalls, { name: 'fwc-shop-queue', tags: ['queue'], inbound_rules: [], outbound_rules: OPEN_OUT }] } as never });
  try {
    const env = { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url };
    const r = await runCli(['import', '--firewall', 'jobs-egress', '--policy', 'shop'], { env });
    assert.is(r.code, 1);
    assert.match(r.stderr, /firewalls of a policy named `shop` already \(fwc-shop-queue\)/);
    const other = await runCli(['import', '--firewall', 'jobs-egress', '--policy', 'jobs', '--as-of', AS_OF], { env });
    assert.is(other.code, 0, other.stderr);
  } finally {
    await em.stop();
  }
});

test.run();
