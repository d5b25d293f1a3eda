// Live firewalls in canonical form (every spelling the API uses compares equal, real differences do
// not), removals built from the stored form, reading a whole account from the emulator under every
// fault kind and every unknown behaviour, the request contract, and a canary token that never leaks.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validateRequest } from '../../src/api/schema.js';
import { applyApi, removalBody } from '../../src/digitalocean/applyApi.js';
import { DigitalOceanClient } from '../../src/digitalocean/client.js';
import { firewallFromApi, type ApiFirewallLike } from '../../src/digitalocean/fromApi.js';
import { readAccount } from '../../src/digitalocean/read.js';
import { ruleKey } from '../../src/model/rules.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { runCli } from '../helpers/cli.js';

const base: ApiFirewallLike = {
  id: 'a',
  name: 'fw',
  tags: ['web'],
  inbound_rules: [
    { protocol: 'tcp', ports: '1-65535', sources: { addresses: ['1.2.3.4', '2001:db8::1'], tags: ['api'] } },
    { protocol: 'icmp', sources: { addresses: ['0.0.0.0/0'] } },
  ],
  outbound_rules: [{ protocol: 'udp', ports: '53', action: 'allow', destinations: { addresses: ['::/0'] } }],
  droplet_ids: [],
};

const same = (a: ApiFirewallLike, b: ApiFirewallLike) => firewallFromApi(a).fingerprint === firewallFromApi(b).fingerprint;

const Canonical = suite('canonical live firewalls');
Canonical('every spelling of the same firewall has the same fingerprint', () => {
  const variants: ApiFirewallLike[] = [
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, ports: '0' }, base.inbound_rules![1]!] },
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, ports: 'all' }, base.inbound_rules![1]!] },
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, ports: '' }, base.inbound_rules![1]!] },
    { ...base, inbound_rules: [base.inbound_rules![0]!, { ...base.inbound_rules![1]!, ports: '0' }] },
    { ...base, inbound_rules: [base.inbound_rules![0]!, { ...base.inbound_rules![1]!, ports: '1-65535' }] },
    { ...base, inbound_rules: [...base.inbound_rules!].reverse() },
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, sources: { tags: ['API'], addresses: ['2001:DB8:0:0::1', '1.2.3.4/32'] } }, base.inbound_rules![1]!] },
    { ...base, outbound_rules: [{ protocol: 'udp', ports: '53', destinations: { addresses: ['::/0'], tags: [] } }] },
    { ...base, droplet_ids: null, tags: ['WEB'] },
    { ...base, droplet_ids: undefined },
    // The same traffic in other rule shapes: split ranges, one source per rule.
    {
      ...base,
      inbound_rules: [
        { protocol: 'tcp', ports: '1-1000', sources: { addresses: ['1.2.3.4', '2001:db8::1'], tags: ['api'] } },
        { protocol: 'tcp', ports: '1001-65535', sources: { addresses: ['1.2.3.4'] } },
        { protocol: 'tcp', ports: '1001-65535', sources: { addresses: ['2001:db8::1'], tags: ['api'] } },
        base.inbound_rules![1]!,
      ],
    },
  ];
  for (const v of variants) assert.ok(same(base, v), JSON.stringify(v));
});
Canonical('real differences do not compare equal', () => {
  const differences: ApiFirewallLike[] = [
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, ports: '1-65534' }, base.inbound_rules![1]!] },
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, action: 'deny' }, base.inbound_rules![1]!] },
    { ...base, inbound_rules: [{ ...base.inbound_rules![0]!, sources: { addresses: ['1.2.3.5', '2001:db8::1'], tags: ['api'] } }, base.inbound_rules![1]!] },
    { ...base, tags: ['web', 'db'] },
    { ...base, droplet_ids: [7] },
    { ...base, name: 'fw2' },
    { ...base, outbound_rules: [] },
  ];
  for (const d of differences) assert.not.ok(same(base, d), JSON.stringify(d));
});
Canonical('what cannot be read is drift (a rule) or a problem (an entry) on the firewall, not a crash', () => {
  const fw = firewallFromApi({ ...base, inbound_rules: [{ protocol: 'sctp', ports: '1', sources: {} }, { protocol: 'tcp', ports: 'lots', sources: { addresses: ['not-an-ip'] } }, { protocol: 'tcp', ports: '22', sources: { addresses: ['bad'] } }] });
  assert.equal(fw.problems, ['address "bad" is not an address']);
  assert.equal(fw.unreadable?.map((u) => u.reason), ['protocol "sctp" is not understood', 'ports "lots" are not understood']);
  assert.is(fw.firewall.rules.filter((r) => r.direction === 'inbound').length, 0);
});
Canonical('removals carry the stored spelling of ports and entries', () => {
  const stored = {
    inbound: [
      { protocol: 'tcp', ports: '0', sources: { addresses: ['1.2.3.4'], tags: ['API'] } },
      { protocol: 'tcp', ports: '80', sources: { addresses: ['10.0.0.0/8'] } },
      { protocol: 'tcp', ports: '81', sources: { addresses: ['10.0.0.0/8'] } },
      { protocol: 'icmp', ports: '0', sources: { tags: ['api'] } },
    ],
    outbound: [{ protocol: 'tcp', ports: '25', action: 'deny', destinations: { addresses: ['0.0.0.0/0'] } }],
  };
  const live = firewallFromApi({ name: 'x', inbound_rules: stored.inbound, outbound_rules: stored.outbound });
  const take = (key: string) => live.firewall.rules.find((r) => ruleKey(r) === key)!;
  const gone = [take('in tcp all tag:api allow'), take('in tcp 80-81 addr:10.0.0.0/8 allow'), take('in icmp all tag:api allow'), take('out tcp 25 addr:0.0.0.0/0 deny')];
  const body = removalBody(stored, gone, live.firewall.rules.filter((r) => !gone.includes(r)));
  assert.equal(body, {
    inbound_rules: [
      { protocol: 'tcp', ports: '0', sources: { tags: ['API'] } },
      { protocol: 'tcp', ports: '80', sources: { addresses: ['10.0.0.0/8'] } },
      { protocol: 'tcp', ports: '81', sources: { addresses: ['10.0.0.0/8'] } },
      { protocol: 'icmp', sources: { tags: ['api'] } },
    ],
    outbound_rules: [{ protocol: 'tcp', ports: '25', action: 'deny', destinations: { addresses: ['0.0.0.0/0'] } }],
  });
  assert.equal(validateRequest('firewalls_delete_rules', body).filter((e) => !e.message.includes('ports')), []);
});
Canonical.run();

// ---

const SEED = {
  tags: ['web', 'db'],
  droplets: Array.from({ length: 450 }, (_, i) => ({ name: `d${i}`, tags: [i % 2 ? 'web' : 'db'], private_ipv4: `10.1.${i >> 8}.${i & 255}` })).concat([{ name: 'gpu', tags: ['web'], gpu: true } as never]),
  load_balancers: [{ name: 'lb' }],
  kubernetes_clusters: [{ name: 'k' }],
  databases: [{ name: 'main', trusted_sources: [{ type: 'tag', value: 'web' }] }],
  firewalls: Array.from({ length: 230 }, (_, i) => ({
    name: `fw-${i}`,
    tags: ['web'],
    inbound_rules: [{ protocol: 'tcp', ports: String(1000 + i), sources: { tags: ['db'], addresses: ['10.0.0.0/8', '2001:db8::/32'] } }, { protocol: 'icmp', sources: { tags: ['db'] } }],
    outbound_rules: [{ protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0'] } }],
  })),
};

const Reading = suite('reading an account');
Reading('every page of everything, GPU droplets too; canonical rules', async () => {
  const em = await startTestEmulator({ seed: SEED });
  const c = new DigitalOceanClient({ baseUrl: new URL(em.url), token: TOKEN });
  const account = await readAccount(c);
  assert.is(account.firewalls.length, 230);
  assert.is(account.droplets.length, 451);
  assert.is(account.databases[0]!.trustedSources.length, 1);
  assert.equal(account.firewalls[0]!.firewall.rules.map(ruleKey).sort(), ["in icmp all tag:db allow", "in tcp 1000 addr:10.0.0.0/8 allow", "in tcp 1000 addr:2001:db8::/32 allow", "in tcp 1000 tag:db allow", "out tcp all addr:0.0.0.0/0 allow"]);
  const perOperation = new Map<string, number>();
  for (const h of c.history) perOperation.set(h.operation, (perOperation.get(h.operation) ?? 0) + 1);
  assert.equal(Object.fromEntries(perOperation), {
    firewalls_list: 2,
    tags_list: 1,
    droplets_list: 4,
    loadBalancers_list: 1,
    kubernetes_list_clusters: 1,
    databases_list_clusters: 1,
    databases_list_firewall_rules: 1,
    vpcs_list: 1,
  });
  assertNoContractViolations(em);
  await em.stop();
});
Reading('under every fault kind the account read is complete and the same', async () => {
  const clean = await startTestEmulator({ seed: SEED });
  const expected = JSON.stringify((await readAccount(new DigitalOceanClient({ baseUrl: new URL(clean.url), token: TOKEN }))).firewalls.map((f) => f.fingerprint).sort());
  await clean.stop();
  for (const kinds of ['500', '502', '503', '429', 'reset-before', 'reset-after', '500,429,reset-before,reset-after']) {
    const em = await startTestEmulator({ seed: SEED, faults: `seed=3;rate=0.25;kinds=${kinds};latency=0-3ms` });
    const c = new DigitalOceanClient({ baseUrl: new URL(em.url), token: TOKEN, retryWaitMinMs: 1, retryWaitMaxMs: 5, maxRetries: 8, sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))) });
    const account = await readAccount(c);
    assert.is(JSON.stringify(account.firewalls.map((f) => f.fingerprint).sort()), expected, kinds);
    assert.ok(em.requests().some((r) => r.fault !== null), `no ${kinds} fault was injected`);
    assertNoContractViolations(em);
    await em.stop();
  }
});
Reading.run();

// ---

const Behaviours = suite('the client against every unknown behaviour of the API');
Behaviours('changes land and read back equal whatever DigitalOcean chooses', async () => {
  const choices = [
    { allPortsWrite: [] as ('0' | 'all' | '')[] },
    { duplicateRule: 'error' as const },
    { duplicateRule: 'duplicate' as const },
    { ruleStorage: 'merge' as const },
    { ipv6ReadBack: 'canonical' as const },
    { actionReadBack: 'always' as const },
    { missingTagStatus: 404 as const, duplicateNameStatus: 422 as const },
  ];
  for (const behaviour of choices) {
    const em = await startTestEmulator({ seed: { tags: ['web', 'db'] }, behaviour });
    const c = new DigitalOceanClient({ baseUrl: new URL(em.url), token: TOKEN });
    const a = applyApi(c);
    const body = {
      name: 'fwc-p-web',
      tags: ['web'],
      inbound_rules: [{ protocol: 'tcp' as const, ports: '1-65535', sources: { addresses: ['2001:DB8::1'] } }, { protocol: 'icmp' as const, sources: { tags: ['db'] } }],
      outbound_rules: [{ protocol: 'tcp' as const, ports: '25', action: 'deny' as const, destinations: { addresses: ['0.0.0.0/0'] } }],
    };
    const { id } = await a.createFirewall(body);
    const first = (await readAccount(c)).firewalls[0]!;
    const ssh = { direction: 'inbound', protocol: 'tcp', ports: { kind: 'range', from: 22, to: 22 }, peer: { kind: 'tag', name: 'db' }, action: 'allow', origins: [] } as const;
    assert.is(await a.addRules(id, [ssh]), 1);
    assert.is(await a.addRules(id, [ssh]), 0, 'a rule that is there is not sent again');
    const added = (await readAccount(c)).firewalls[0]!;
    assert.ok(added.firewall.rules.some((r) => ruleKey(r) === 'in tcp 22 tag:db allow'), JSON.stringify(behaviour));
    const gone = (r: (typeof added.firewall.rules)[number]) => ruleKey(r) === 'in tcp 22 tag:db allow' || ruleKey(r) === 'in tcp all addr:2001:db8::1 allow';
    await a.removeRules(id, added.firewall.rules.filter(gone), added.firewall.rules.filter((r) => !gone(r)));
    const removed = (await readAccount(c)).firewalls[0]!;
    assert.equal(removed.firewall.rules.map(ruleKey).sort(), first.firewall.rules.map(ruleKey).filter((k) => !k.includes('2001')).sort(), JSON.stringify(behaviour));
    assertNoContractViolations(em);
    await em.stop();
  }
});
Behaviours.run();

// ---

const Leak = suite('the token never leaks');
Leak('a canary token appears in no output, error, inspection or file, on success and on failure', async () => {
  const canary = `dop_v1_${randomBytes(32).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'fwc-leak-'));
  const em = await startTestEmulator({ seed: { tags: ['web'], droplets: [{ name: 'w', tags: ['web'] }] }, tokens: [{ token: canary, scopes: 'read' }], requestLog: join(dir, 'log.jsonl'), stateFile: join(dir, 'state.json') });
  const seen: string[] = [];
  const c = new DigitalOceanClient({ baseUrl: new URL(em.url), token: canary });
  seen.push(inspect(c), JSON.stringify(c), String(c));
  await readAccount(c);
  try {
    await c.request('firewalls_create', { body: { name: 'x1', inbound_rules: [] } });
  } catch (error) {
    seen.push(String(error), (error as Error).stack ?? '', inspect(error), JSON.stringify(error));
  }
  const env = { DIGITALOCEAN_TOKEN: canary, DIGITALOCEAN_API_URL: em.url };
  const policy = join(dir, 'p.fw');
  (await import('node:fs')).writeFileSync(policy, 'policy p\ntags web\nanyone may reach web on https\n');
  for (const args of [['plan', policy, '--out', join(dir, 'plan.json')], ['plan', policy, '--format', 'json'], ['apply', policy, '--auto-approve']]) {
    const r = await runCli(args, { env, cwd: dir });
    seen.push(r.stdout, r.stderr);
  }
  em.setFaults('rate=1;kinds=503');
  const failing = await runCli(['plan', policy], { env: { ...env, FWC_QUIET: '1' }, cwd: dir });
  seen.push(failing.stdout, failing.stderr);
  await em.stop();
  for (const f of readdirSync(dir)) seen.push(readFileSync(join(dir, f), 'utf8'));
  rmSync(dir, { recursive: true, force: true });
  for (const text of seen) assert.not.match(text, canary.slice(7), 'the token leaked');
  assert.match(seen.join('\n'), /firewall:create/, 'the failure path was exercised');
});
Leak.run();
