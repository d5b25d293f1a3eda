/**
 * `replaces firewall "NAME"`: the adoption of an existing firewall. Checked (a `k8s-…` firewall cannot be
 * replaced), planned (shown as deleted, a missing one a warning), applied (deleted only as a proven step,
 * every recorded state judged) and owned (a firewall not named in `replaces` is never deleted).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPolicies } from '../../src/pipeline/build.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { parse } from '../../src/syntax/parse.js';
import { format } from '../../src/syntax/format.js';
import { runCli } from '../helpers/cli.js';
import { call, assertNoContractViolations } from '../helpers/emulator.js';
import { AS_OF, applyRecorded, envFor, workdir } from '../helpers/applyWorld.js';
import { startTestEmulator } from '../helpers/emulator.js';

const build = (text: string) => buildPolicies([new SourceFile('p.fw', text)], { asOf: AS_OF });

test('a replaced firewall is read, formatted and kept in the policy', () => {
  const text = 'policy p\ntags web\nreplaces   firewall "web-fw"   # made in the panel\nanyone may reach web on https\n';
  const parsed = parse(new SourceFile('p.fw', text));
  assert.equal(parsed.diagnostics, []);
  assert.is(format(parsed.value), 'policy p\ntags web\nreplaces firewall "web-fw"  # made in the panel\nanyone may reach web on https\n');
  const built = build(text);
  assert.equal(built.diagnostics, []);
  assert.equal(built.policies[0]!.policy.replaces.map((r) => r.name), ['web-fw']);
});

test('`replaces` stays a name where the statement is about a tag', () => {
  const built = build('policy p\ntags replaces, web\nreplaces may reach web on ssh\n');
  assert.equal(built.diagnostics.filter((d) => d.severity === 'error'), []);
});

test('a k8s- firewall cannot be replaced, and a firewall is replaced once', () => {
  const built = build('policy p\ntags web\nreplaces firewall "k8s-1234-worker"\nreplaces firewall "a"\nreplaces firewall "A"\n');
  assert.equal(built.diagnostics.map((d) => [d.code.code, d.severity]), [['FW210', 'error'], ['FW202', 'error']]);
  assert.match(built.diagnostics[0]!.message, /belongs to DigitalOcean Kubernetes/);
});

const seed = {
  droplets: [
    { id: 101, name: 'web-1', tags: ['web'], private_ipv4: '10.0.0.11' },
    { id: 102, name: 'web-2', tags: ['web'], private_ipv4: '10.0.0.12' },
    { id: 201, name: 'db-1', tags: ['db'], private_ipv4: '10.0.0.21' },
  ],
  firewalls: [
    {
      name: 'web-fw',
      tags: ['web'],
      inbound_rules: [
        { protocol: 'tcp', ports: '443', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
        { protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.0/24'] } },
      ],
      outbound_rules: [
        { protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
        { protocol: 'udp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
        { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
      ],
    },
    {
      name: 'db-fw',
      tags: ['db'],
      inbound_rules: [{ protocol: 'tcp', ports: '5432', sources: { tags: ['web'] } }],
      outbound_rules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } }],
    },
  ],
};

const policy = 'policy p\ntags web\nreplaces firewall "web-fw"\nanyone may reach web on https\n203.0.113.0/24 may reach web on ssh\n';

test('plan shows the replaced firewall deleted and no reachability change; apply deletes it as a proven step', async () => {
  const run = await applyRecorded({ seed: seed as never }, null, policy);
  try {
    assert.is(run.result.code, 0, run.result.stdout + run.result.stderr);
    assert.match(run.result.stdout, /No reachability changes\./);
    assert.match(run.result.stdout, /# firewall web-fw will be destroyed \(replaced by the policy\)/);
    assert.equal(run.gaps, []);
    assert.ok(run.cleanAfter, 'a second plan shows no changes');
    // The policy's firewall came first, the replaced one went last.
    const creates = run.requests.findIndex((r) => r === 'POST /v2/firewalls');
    const deletes = run.requests.findIndex((r) => r.startsWith('DELETE /v2/firewalls/'));
    assert.ok(creates >= 0 && deletes > creates, run.requests.join('\n'));
    const names = ((await call(run.em, 'GET', '/v2/firewalls')).body.firewalls as { name: string }[]).map((f) => f.name).sort();
    assert.equal(names, ['db-fw', 'fwc-p-web'], 'db-fw, not named in replaces, is left alone');
    // Once it is gone, the line is a warning (FW705), not an error.
    const plan = await runCli(['plan', 'new.fw', '--as-of', AS_OF], { cwd: run.dir, env: envFor(run.em.url) });
    assert.is(plan.code, 0, plan.stderr);
    assert.match(plan.stderr, /warning\[FW705\]: the account has no firewall named `web-fw`/);
    assert.match(plan.stdout, /No changes\./);
    assertNoContractViolations(run.em, { probes: true });
  } finally {
    await run.em.stop();
  }
});

test('a replacement that changes reachability says so, and the replaced firewall still goes only when proven', async () => {
  const run = await applyRecorded({ seed: seed as never }, null, 'policy p\ntags web\nreplaces firewall "web-fw"\nanyone may reach web on https\n');
  try {
    assert.is(run.result.code, 0, run.result.stdout + run.result.stderr);
    assert.match(run.result.stdout, /- 203\.0\.113\.0\/24 → web +tcp 22/);
    assert.equal(run.gaps, []);
    assert.ok(run.cleanAfter);
  } finally {
    await run.em.stop();
  }
});

test('a saved plan deletes the replaced firewall as the plan that made it does', async () => {
  const em = await startTestEmulator({ seed: seed as never });
  try {
    const dir = workdir({ 'p.fw': policy });
    const plan = await runCli(['plan', 'p.fw', '--as-of', AS_OF, '--out', 'plan.json'], { cwd: dir, env: envFor(em.url) });
    assert.is(plan.code, 0, plan.stderr);
    const applied = await runCli(['apply', 'plan.json', '--auto-approve', '--as-of', AS_OF], { cwd: dir, env: envFor(em.url) });
    assert.is(applied.code, 0, applied.stdout + applied.stderr);
    assert.match(applied.stdout, /delete firewall web-fw/);
    const names = ((await call(em, 'GET', '/v2/firewalls')).body.firewalls as { name: string }[]).map((f) => f.name).sort();
    assert.equal(names, ['db-fw', 'fwc-p-web']);
  } finally {
    await em.stop();
  }
});

test('two firewalls with the replaced name: an error, and nothing is deleted', async () => {
  const em = await startTestEmulator({ seed: { ...seed, firewalls: [...seed.firewalls, { ...seed.firewalls[0]!, tags: ['db'] }] } as never });
  try {
    const dir = workdir({ 'p.fw': policy });
    const plan = await runCli(['plan', 'p.fw', '--as-of', AS_OF], { cwd: dir, env: envFor(em.url) });
    assert.is(plan.code, 1);
    assert.match(plan.stderr, /error\[FW704\]: 2 firewalls are named `web-fw`/);
  } finally {
    await em.stop();
  }
});

test.run();
