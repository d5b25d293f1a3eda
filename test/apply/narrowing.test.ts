// Narrowing, splitting and merging changes, whose old and new rules overlap: `fwc apply` must never cut
// a flow that both versions allow, in any world the emulator's behaviours describe, nor repair anything
// with an unproven whole-firewall PUT. The reproductions of issue 9 and their variants, checked on the
// account's recorded state after every mutating request.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import type { SeedData } from '../../src/emulator/seed.js';
import type { EmulatorStateSnapshot } from '../../src/emulator/state.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { gaps, networkOf } from '../helpers/recordedApply.js';
import { applyCli, applyRecorded, hostsFor, workdir, WORLDS, worldName } from '../helpers/applyWorld.js';

const SEED: SeedData = {
  droplets: [
    { id: 101, name: 'web-1', tags: ['web'], public_ipv4: '203.0.113.11', private_ipv4: '10.10.0.11', public_ipv6: '2001:db8::11' },
    { id: 102, name: 'search-1', tags: ['search'], private_ipv4: '10.10.0.21' },
    { id: 103, name: 'app-1', tags: ['app'], private_ipv4: '10.10.0.31' },
  ],
};

interface Case {
  readonly name: string;
  readonly old: string;
  readonly new: string;
}

const CASES: Case[] = [
  {
    name: 'all tcp from anyone and search → tcp 9000 from anyone (the issue)',
    old: 'policy p\ntags web, search\nanyone, search may reach web on tcp\n',
    new: 'policy p\ntags web, search\nanyone may reach web on tcp 9000\n',
  },
  {
    name: '80-90 → 80, 85-90 (a split that keeps both ends)',
    old: 'policy p\ntags web\nanyone may reach web on 80-90\n',
    new: 'policy p\ntags web\nanyone may reach web on 80, 85-90\n',
  },
  {
    name: 'app, anyone on 443, 8000-8100 → app on 443 and anyone on 8050',
    old: 'policy p\ntags web, app\napp, anyone may reach web on 443, 8000-8100\n',
    new: 'policy p\ntags web, app\napp may reach web on 443\nanyone may reach web on 8050\n',
  },
  {
    name: '80, 85-90 → 80-90 (a merge)',
    old: 'policy p\ntags web\nanyone may reach web on 80, 85-90\n',
    new: 'policy p\ntags web\nanyone may reach web on 80-90\n',
  },
  {
    name: 'a guardrail narrowed: deny tcp 20-30 → deny tcp 25',
    old: 'policy p\ntags web, app\napp must not reach web on 20-30\napp may reach web on 1-1000\n',
    new: 'policy p\ntags web, app\napp must not reach web on 25\napp may reach web on 1-1000\n',
  },
];

const running = new Set<Emulator>();
async function emulator(options: EmulatorOptions): Promise<Emulator> {
  const em = await startTestEmulator(options);
  running.add(em);
  return em;
}
const stopAll = async () => {
  await Promise.all([...running].map((e) => e.stop()));
  running.clear();
};

const Narrowing = suite('narrowing changes, in every world');
for (const c of CASES) {
  Narrowing(c.name, async () => {
    for (const world of WORLDS) {
      const r = await applyRecorded({ seed: SEED, behaviour: world }, c.old, c.new);
      const em = r.em;
      running.add(em);
      const where = `${c.name}, ${worldName(world)}`;
      assert.is(r.result.code, 0, `${where}: apply failed\n${r.result.stdout}${r.result.stderr}`);
      assert.equal(r.gaps, [], `${where}: ${r.requests.join('; ')}`);
      assert.is(r.cleanAfter, true, `${where}: a fresh plan is not clean`);
      // An ordinary change is made rule by rule: no whole-firewall PUT, and no note of a repair.
      assert.equal(r.requests.filter((q) => q.startsWith('PUT')), [], `${where}: ${r.requests.join('; ')}`);
      assert.not.match(r.result.stdout, /replacing the firewall|repair/i, where);
      assert.match(r.result.stdout, new RegExp(`${r.requests.length} changing requests?`), `${where}: the summary counts the requests`);
      assertNoContractViolations(em, { probes: true });
      await em.stop();
      running.delete(em);
    }
  });
}
Narrowing.after.each(stopAll);
Narrowing.run();

// ---

const Spellings = suite('stored forms another tool left');
// The old firewall was written by another tool: all ports as "all" (stored "0"), IPv6 in a long
// spelling, explicit `action: allow`, and the entries of one rule split over two stored rules. fwc owns
// it by name, and narrowing it must take out exactly the entries the plan removes.
const LEGACY: SeedData = {
  ...SEED,
  firewalls: [
    {
      name: 'fwc-p-web',
      tags: ['web'],
      inbound_rules: [
        { protocol: 'tcp', ports: 'all', action: 'allow', sources: { addresses: ['0.0.0.0/0'] } },
        { protocol: 'tcp', ports: 'all', action: 'allow', sources: { addresses: ['0:0:0:0:0:0:0:0/0'], tags: ['search'] } },
        { protocol: 'tcp', ports: '9000', sources: { addresses: ['0.0.0.0/0'] } },
      ],
      outbound_rules: [
        { protocol: 'tcp', ports: '0', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
        { protocol: 'udp', ports: '0', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
        { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
      ],
    },
    { name: 'fwc-p-search', tags: ['search'], outbound_rules: [{ protocol: 'tcp', ports: '1-65535', destinations: { addresses: ['0.0.0.0/0', '::/0'] } }, { protocol: 'udp', ports: '1-65535', destinations: { addresses: ['0.0.0.0/0', '::/0'] } }, { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } }] },
  ],
};
Spellings('ports "0", a long IPv6 spelling, explicit allow, split entries: the narrowing keeps tcp 9000 throughout', async () => {
  for (const world of WORLDS) {
    const r = await applyRecorded({ seed: LEGACY, behaviour: world }, null, CASES[0]!.new);
    const em = r.em;
    running.add(em);
    const where = worldName(world);
    assert.is(r.result.code, 0, `${where}: ${r.result.stdout}${r.result.stderr}`);
    assert.equal(r.gaps, [], `${where}: ${r.requests.join('; ')}`);
    assert.is(r.cleanAfter, true, where);
    assert.equal(r.requests.filter((q) => q.startsWith('PUT')), [], `${where}: ${r.requests.join('; ')}`);
    await em.stop();
    running.delete(em);
  }
});
Spellings.after.each(stopAll);
Spellings.run();

// ---

const Drift = suite('no silent repair');
/** An emulator where another tool adds `tcp 2222 from 192.0.2.1` to fwc-p-web after fwc's DELETEs (`times` times). */
async function drifting(times: number): Promise<{ em: Emulator; dir: string }> {
  let left = times;
  let armed = false;
  // eslint-disable-next-line prefer-const
  let em: Emulator;
  em = await emulator({
    seed: SEED,
    onMutation: (_state, r) => {
      if (!armed || left === 0 || r.method !== 'DELETE' || !r.path.endsWith('/rules')) return;
      left--;
      em.change((state) => {
        const web = state.firewalls.find((f) => f.name === 'fwc-p-web')!;
        web.inbound.push({ protocol: 'tcp', ports: '2222', targets: { addresses: ['192.0.2.1'] } });
      });
    },
  });
  const dir = workdir({ 'old.fw': CASES[0]!.old, 'new.fw': CASES[0]!.new });
  assert.is((await applyCli(dir, 'old.fw', em.url)).code, 0);
  armed = true;
  return { em, dir };
}
Drift('a difference left after the steps is corrected by further proven steps, and said so', async () => {
  const { em, dir } = await drifting(1);
  const r = await applyCli(dir, 'new.fw', em.url);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /differs from the plan after the steps \(firewall fwc-p-web still has inbound tcp 2222 from 192\.0\.2\.1\); correcting it with proven steps/);
  assert.match(r.stdout, /A fresh plan shows no changes/);
  assert.not.ok(em.requests().some((q) => q.method === 'PUT' && (q.status ?? 500) < 400), 'no whole-firewall PUT');
  assert.not.ok(em.state().firewalls.find((f) => f.name === 'fwc-p-web')!.inbound.some((x) => x.ports === '2222'));
});
Drift('a difference that does not go away is an error (exit 1) naming it, never a success', async () => {
  const { em, dir } = await drifting(10);
  const r = await applyCli(dir, 'new.fw', em.url);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /after the apply the account still differs from the plan:\n  - firewall fwc-p-web still has inbound tcp 2222 from 192\.0\.2\.1/);
  assert.match(r.stderr, /run `fwc apply` again/);
  assert.not.match(r.stdout, /A fresh plan shows no changes/);
  assert.not.ok(em.requests().some((q) => q.method === 'PUT' && (q.status ?? 500) < 400), 'no whole-firewall PUT');
});
Drift.after.each(stopAll);
Drift.run();

// ---

const Checker = suite('the recorded-state checker');
// The requests that fwc sent before the fix (issue 9): add tcp 9000, then remove the old all-ports rule
// together with the tcp 9000 rule just added. The checker must see the cut, or it proves nothing.
Checker('fails on the request sequence of the reproduction', async () => {
  const states: EmulatorStateSnapshot[] = [];
  let recording = false;
  const em = await emulator({ seed: SEED, onMutation: (state) => recording && states.push(state) });
  const first = await applyCli(workdir({ 'old.fw': CASES[0]!.old }), 'old.fw', em.url);
  assert.is(first.code, 0, first.stderr);
  const start = em.state();
  const web = start.firewalls.find((f) => f.name === 'fwc-p-web')!;
  const send = (method: string, body: unknown) =>
    fetch(`${em.url}/v2/firewalls/${web.id}/rules`, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  recording = true;
  const anyone = { addresses: ['0.0.0.0/0', '::/0'] };
  assert.is((await send('POST', { inbound_rules: [{ protocol: 'tcp', ports: '9000', sources: anyone }] })).status, 204);
  assert.is((await send('DELETE', { inbound_rules: [{ protocol: 'tcp', ports: '1-65535', sources: { ...anyone, tags: ['search'] } }, { protocol: 'tcp', ports: '9000', sources: anyone }] })).status, 204);
  assert.is((await send('POST', { inbound_rules: [{ protocol: 'tcp', ports: '9000', sources: anyone }] })).status, 204);
  recording = false;
  const after = em.state();
  const hosts = await hostsFor(em.url, [start, after], [CASES[0]!.old, CASES[0]!.new]);
  const found = gaps(networkOf(start), networkOf(after), networkOf(states[1]!), hosts);
  assert.ok(found.some((g) => /^cut: anyone \(IPv4\) → web/.test(g)), found.join('\n'));
  assert.ok(found.some((g) => /^cut: anyone \(IPv6\) → web/.test(g)), found.join('\n'));
  // The first and last states are fine: the check does not cry wolf.
  assert.equal(gaps(networkOf(start), networkOf(after), networkOf(states[0]!), hosts), []);
  assert.equal(gaps(networkOf(start), networkOf(after), networkOf(states[2]!), hosts), []);
});
Checker('sees a trusted source dropped that both versions trust, and one added that neither does', async () => {
  const seed: SeedData = { ...SEED, databases: [{ name: 'main-db', engine: 'pg', trusted_sources: [{ type: 'tag', value: 'app' }] }] };
  const em = await emulator({ seed });
  const start = em.state();
  const db = start.databases[0]!;

  const put = async (rules: { type: string; value: string }[]) => {
    const res = await fetch(`${em.url}/v2/databases/${db.id}/firewall`, { method: 'PUT', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ rules }) });
    assert.is(res.status, 204);
    return em.state();
  };
  const after = await put([{ type: 'tag', value: 'app' }, { type: 'tag', value: 'web' }]);
  const dropped = await put([{ type: 'tag', value: 'web' }]);
  const opened = await put([{ type: 'tag', value: 'app' }, { type: 'tag', value: 'web' }, { type: 'tag', value: 'search' }]);
  const hosts = await hostsFor(em.url, [start, after, dropped, opened], [], ['main-db']);
  assert.ok(gaps(networkOf(start), networkOf(after), networkOf(dropped), hosts).some((g) => /^cut: app → database main-db/.test(g)));
  assert.ok(gaps(networkOf(start), networkOf(after), networkOf(opened), hosts).some((g) => /^opened: search → database main-db/.test(g)));
  assert.equal(gaps(networkOf(start), networkOf(after), networkOf(after), hosts), []);
});
Checker.after.each(stopAll);
Checker.run();
