// A real account's shape, end to end: the seed's own firewalls attach droplets by id, allow from a tag
// no firewall governs and from a VPC's range, and send to a load balancer. The policy that says the same
// thing in fwc (droplet sets, `tag`, `vpc`, a load balancer as destination), planned against that
// account, must give every droplet exactly what the seed's firewalls give it — compared pair by pair on
// DigitalOcean's semantics (src/analysis/network.ts) — and apply cleanly, after which a plan has nothing
// left to do.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Network } from '../../src/analysis/network.js';
import { describe } from '../../src/analysis/serviceSet.js';
import { DigitalOceanClient } from '../../src/digitalocean/client.js';
import { readAccount } from '../../src/digitalocean/read.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { accountHosts } from '../../src/plan/hosts.js';
import { resolveDesired } from '../../src/plan/resolve.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { runCli } from '../helpers/cli.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from '../helpers/emulator.js';

const DIR = new URL('../fixtures/real-account/', import.meta.url).pathname;
const AS_OF = '2026-11-24';
const Real = suite('a real account, said in fwc');

Real('the policy allows, droplet by droplet, exactly what the seed firewalls allow; it applies cleanly', async () => {
  const em = await startTestEmulator({ seed: join(DIR, 'account.yaml') });
  try {
    const account = await readAccount(new DigitalOceanClient({ baseUrl: new URL(em.url), token: TOKEN }));
    assert.equal(account.vpcs?.map((v) => [v.name, v.ipRange]), [['prod-vpc', '10.10.0.0/16']]);
    assert.ok(account.droplets.every((d) => d.vpcId === '5a4981aa-9653-4bd1-bef5-d6bff52042e4'), 'droplets carry vpc_uuid');

    const built = buildPolicies([new SourceFile('policy.fw', readFileSync(join(DIR, 'policy.fw'), 'utf8'))], { asOf: AS_OF });
    assert.equal(built.diagnostics.filter((d) => d.code.severity === 'error').map((d) => d.message), []);
    const resolved = resolveDesired(built.policies, account);
    assert.equal(resolved.diagnostics.map((d) => d.message), []);
    const desired = resolved.value.firewalls;
    assert.equal(
      desired.map((f) => [f.name, f.tags, f.dropletIds]),
      [
        ['fwc-legacy-db', [], [5101, 5102]],
        ['fwc-legacy-worker', [], [5201]],
      ],
    );

    const seed = account.firewalls.map((f) => ({ ...f.firewall, name: f.name, tags: f.tags, dropletIds: f.dropletIds }));
    const before = new Network(seed);
    const after = new Network(desired);
    const hosts = accountHosts(account, [...seed, ...desired], built.policies.map((p) => p.policy), []);
    // Every droplet is its own host here (each is named by id or carries a tag a rule names), plus the
    // load balancer, the VPC and the internet.
    assert.ok(hosts.some((h) => h.label.startsWith('vpc prod-vpc')), 'the VPC is a host, by name');
    const differences: string[] = [];
    let pairs = 0;
    for (const src of hosts) {
      for (const dst of hosts) {
        if (src.key === dst.key || (src.kind !== 'droplet' && dst.kind !== 'droplet')) continue;
        pairs++;
        const was = describe(before.allowed(src, dst));
        const now = describe(after.allowed(src, dst));
        if (was !== now) differences.push(`${src.label} → ${dst.label}: seed ${was || 'nothing'}, policy ${now || 'nothing'}`);
      }
    }
    assert.ok(pairs > 40, `judged ${pairs} pairs`);
    assert.equal(differences, []);

    // Plan, apply, plan again: the policy's firewalls are made, attached by id, and nothing is left to do.
    const env = { DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: em.url, FWC_QUIET: '1' };
    const plan = await runCli(['plan', 'policy.fw', '--as-of', AS_OF], { cwd: DIR, env });
    assert.is(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /No reachability changes\./);
    // Resources by name, never a bare id; the seed's droplets had firewalls, so nothing goes from open to closed.
    assert.match(plan.stdout, /outbound tcp  443 +to   load balancer shop-lb/);
    assert.match(plan.stdout, /droplets = \[db-1 \(5101\), db-2 \(5102\)\]/);
    assert.not.match(plan.stdout, /4de7ac8b/);
    assert.not.match(plan.stdout, /fully open to closed|cannot resolve names/);
    const applied = await runCli(['apply', 'policy.fw', '--auto-approve', '--as-of', AS_OF], { cwd: DIR, env });
    assert.is(applied.code, 0, applied.stderr + applied.stdout);
    const again = await runCli(['plan', 'policy.fw', '--as-of', AS_OF, '--detailed-exitcode'], { cwd: DIR, env });
    assert.is(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /No changes\./);
    const live = await readAccount(new DigitalOceanClient({ baseUrl: new URL(em.url), token: TOKEN }));
    const db = live.firewalls.find((f) => f.name === 'fwc-legacy-db');
    assert.equal(db && [...db.dropletIds].sort(), [5101, 5102]);
    assert.ok(live.firewalls.some((f) => f.name === 'db-firewall'), 'the seed firewalls are not fwc’s and stay');

    // A set that is no longer declared: its firewall is left alone, and the plan says so.
    const tmp = mkdtempSync(join(tmpdir(), 'fwc-real-'));
    writeFileSync(join(tmp, 'policy.fw'), readFileSync(join(DIR, 'policy.fw'), 'utf8').replace(/^.*worker.*$/gm, ''));
    const dropped = await runCli(['plan', 'policy.fw', '--as-of', AS_OF, '--format', 'json'], { cwd: tmp, env });
    assert.is(dropped.code, 0, dropped.stderr);
    const doc = JSON.parse(dropped.stdout) as { firewalls: { name: string }[]; warnings: { code: string; message: string }[] };
    assert.equal(doc.firewalls.map((f) => f.name), []);
    assert.ok(doc.warnings.some((w) => w.code === 'orphan-set-firewall' && w.message.includes('fwc-legacy-worker')), JSON.stringify(doc.warnings));
    assertNoContractViolations(em, { probes: true });
  } finally {
    await em.stop();
  }
});

Real.run();
