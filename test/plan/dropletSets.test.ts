// Droplet sets at plan time: more than ten droplets are spread over firewalls of ten (DigitalOcean's
// limit), each with every rule; a set's firewalls, and only those, are fwc's when they carry no tag; and
// against the emulator, a set is applied by droplet id, grown and shrunk.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ownsSetFirewall } from '../../src/model/firewallNames.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { resolveDesired } from '../../src/plan/resolve.js';
import type { Account } from '../../src/plan/types.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { runCli } from '../helpers/cli.js';
import { assertNoContractViolations, call, startTestEmulator, TOKEN } from '../helpers/emulator.js';

const Sets = suite('droplet sets');

const account = (n: number): Account => ({
  firewalls: [],
  tags: ['web'],
  droplets: Array.from({ length: n }, (_, i) => ({ id: 1000 + i, name: `old-${i}`, tags: [], addresses: [] })),
  loadBalancers: [],
  clusters: [],
  databases: [],
});

function resolve(text: string, n: number) {
  const built = buildPolicies([new SourceFile('p.fw', text)], { asOf: '2026-11-24' });
  assert.equal(built.diagnostics.filter((d) => d.code.severity === 'error').map((d) => d.message), []);
  return resolveDesired(built.policies, account(n));
}

Sets('25 droplets: three firewalls of at most ten, the same rules on each', () => {
  const names = Array.from({ length: 24 }, (_, i) => `"old-${i}"`).join(', ');
  const { value, diagnostics } = resolve(`policy p\ntags web\ndroplets old = ${names}, 1024\nweb may reach old on ssh\n`, 25);
  assert.equal(diagnostics, []);
  const sets = value.firewalls.filter((f) => f.set);
  assert.equal(sets.map((f) => [f.name, f.dropletIds.length]), [
    ['fwc-p-old', 10],
    ['fwc-p-old-2', 10],
    ['fwc-p-old-3', 5],
  ]);
  assert.equal(new Set(sets.flatMap((f) => f.dropletIds)).size, 25);
  for (const f of sets) assert.equal(f.rules, sets[0]!.rules);
  assert.equal(sets[0]!.tags, []);
});

Sets('a set with rule shards and droplet chunks numbers them on', () => {
  const services = Array.from({ length: 60 }, (_, i) => `tcp ${2000 + i * 2}`).join(', ');
  const names = Array.from({ length: 12 }, (_, i) => `"old-${i}"`).join(', ');
  const { value } = resolve(`policy p\ntags web\ndroplets old = ${names}\nweb may reach old on ${services}\n`, 12);
  assert.equal(value.firewalls.filter((f) => f.set).map((f) => [f.name, f.dropletIds.length, f.rules.length]), [
    // 60 inbound rules and 6 of open egress: 50 + 16 rules, for each of the two chunks of droplets.
    ['fwc-p-old', 10, 50],
    ['fwc-p-old-2', 10, 16],
    ['fwc-p-old-3', 2, 50],
    ['fwc-p-old-4', 2, 16],
  ]);
});

Sets('a tag-less firewall is fwc’s only as a declared set’s firewall or a further shard of it', () => {
  const desired = ['fwc-p-old'];
  assert.ok(ownsSetFirewall('fwc-p-old', [], desired));
  assert.ok(ownsSetFirewall('fwc-p-old-4', [], desired));
  assert.not.ok(ownsSetFirewall('fwc-p-old', ['old'], desired), 'a firewall with a tag is a tag’s');
  assert.not.ok(ownsSetFirewall('fwc-p-older', [], desired));
  assert.not.ok(ownsSetFirewall('fwc-p-other', [], desired), 'a set no policy declares is left alone');
});

Sets('against the emulator: a set of 12 droplets with no firewall is warned about, applied by id in firewalls of 10, and shrunk', async () => {
  const seed = {
    droplets: [
      ...Array.from({ length: 12 }, (_, i) => ({ id: 700 + i, name: `old-${i}`, private_ipv4: `10.0.1.${i + 1}` })),
      { id: 800, name: 'web-1', tags: ['web'], private_ipv4: '10.0.2.1' },
    ],
  };
  const em = await startTestEmulator({ seed: seed as never });
  const dir = mkdtempSync(join(tmpdir(), 'fwc-sets-'));
  const env = { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url, FWC_QUIET: '1' };
  const write = (members: string) =>
    writeFileSync(join(dir, 'p.fw'), `policy p\ntags web\ndroplets old = ${members}\nweb may reach old on ssh, postgres\nanyone may reach web on https, ssh\n`);
  try {
    write(`${Array.from({ length: 11 }, (_, i) => `"old-${i}"`).join(', ')}, 711`);
    const plan = await runCli(['plan', 'p.fw', '--as-of', '2026-11-24', '--format', 'json'], { cwd: dir, env });
    assert.is(plan.code, 0, plan.stderr);
    const doc = JSON.parse(plan.stdout) as { warnings: { code: string; message: string }[]; firewalls: { name: string; droplets: { add: number[] } }[] };
    assert.ok(doc.warnings.some((w) => w.code === 'newly-closed' && w.message.startsWith('12 droplets of droplet set `old`')), JSON.stringify(doc.warnings));
    assert.equal(doc.firewalls.map((f) => [f.name, f.droplets.add.length]), [
      ['fwc-p-old', 10],
      ['fwc-p-old-2', 2],
      ['fwc-p-web', 0],
    ]);
    const applied = await runCli(['apply', 'p.fw', '--auto-approve', '--as-of', '2026-11-24'], { cwd: dir, env });
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    const firewalls = (await call(em, 'GET', '/v2/firewalls')).body.firewalls as { name: string; droplet_ids: number[]; tags: string[] }[];
    assert.equal(firewalls.filter((f) => f.name.startsWith('fwc-p-old')).map((f) => [f.name, f.droplet_ids.length, f.tags]).sort(), [
      ['fwc-p-old', 10, []],
      ['fwc-p-old-2', 2, []],
    ]);
    write('"old-0", "old-1", 705');
    const shrunk = await runCli(['apply', 'p.fw', '--auto-approve', '--allow-lockout', '--as-of', '2026-11-24'], { cwd: dir, env });
    assert.is(shrunk.code, 0, shrunk.stderr + shrunk.stdout);
    const after = (await call(em, 'GET', '/v2/firewalls')).body.firewalls as { name: string; droplet_ids: number[] }[];
    assert.equal(after.filter((f) => f.name.startsWith('fwc-p-old')).map((f) => [f.name, [...f.droplet_ids].sort()]), [['fwc-p-old', [700, 701, 705]]]);
    const again = await runCli(['plan', 'p.fw', '--as-of', '2026-11-24', '--detailed-exitcode'], { cwd: dir, env });
    assert.is(again.code, 0, again.stdout);
    assertNoContractViolations(em, { probes: true });
  } finally {
    await em.stop();
  }
});
Sets('a saved plan with droplet sets applies as it shows (apply recomputes it from its desired section)', async () => {
  const seed = { droplets: [...Array.from({ length: 12 }, (_, i) => ({ id: 700 + i, name: `old-${i}`, private_ipv4: `10.0.1.${i + 1}` })), { id: 800, name: 'web-1', tags: ['web'], private_ipv4: '10.0.2.1' }] };
  const em = await startTestEmulator({ seed: seed as never });
  const dir = mkdtempSync(join(tmpdir(), 'fwc-sets-'));
  const env = { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url, FWC_QUIET: '1' };
  writeFileSync(join(dir, 'p.fw'), `policy p\ntags web\ndroplets old = ${Array.from({ length: 12 }, (_, i) => `"old-${i}"`).join(', ')}\nweb may reach old on ssh\nanyone may reach web on https\n`);
  try {
    const planned = await runCli(['plan', 'p.fw', '--out', 'plan.json', '--as-of', '2026-11-24'], { cwd: dir, env });
    assert.is(planned.code, 0, planned.stderr);
    const applied = await runCli(['apply', 'plan.json', '--auto-approve', '--allow-lockout'], { cwd: dir, env });
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    const again = await runCli(['plan', 'p.fw', '--as-of', '2026-11-24', '--detailed-exitcode'], { cwd: dir, env });
    assert.is(again.code, 0, again.stdout);
  } finally {
    await em.stop();
  }
});

Sets.run();
