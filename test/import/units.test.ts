/**
 * The parts of `fwc import` on their own: service lists in the fewest words, droplet sets named after
 * their droplets, `anyone` for both address families, and the proof, which must see a policy that does
 * less, or more, than the firewalls it replaces (a proof that cannot fail proves nothing).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { firewallFromApi } from '../../src/digitalocean/fromApi.js';
import { parseAddress } from '../../src/model/addresses.js';
import { proveExact } from '../../src/import/prove.js';
import { serviceItems, setStem } from '../../src/import/names.js';
import { translate } from '../../src/import/translate.js';
import { importFirewalls } from '../../src/import/import.js';
import type { Account } from '../../src/plan/types.js';

const cidr = (t: string) => {
  const r = parseAddress(t);
  if (!r.ok) throw new Error(t);
  return r.cidr;
};

test('services: built-in names where all their ports are there, tcp ports bare, then udp, then icmp', () => {
  assert.equal(serviceItems([{ protocol: 'tcp', from: 22, to: 22 }]), ['ssh']);
  assert.equal(serviceItems([{ protocol: 'tcp', from: 53, to: 53 }, { protocol: 'udp', from: 53, to: 53 }, { protocol: 'tcp', from: 8080, to: 8080 }]), ['dns', '8080']);
  assert.equal(serviceItems([{ protocol: 'udp', from: 53, to: 53 }, { protocol: 'udp', from: 123, to: 123 }, { protocol: 'udp', from: 161, to: 162 }]), ['ntp', 'udp 53', '161-162']);
  assert.equal(serviceItems([{ protocol: 'tcp', from: 1, to: 65535 }, { protocol: 'udp', from: 1, to: 65535 }, { protocol: 'icmp' }]), ['all']);
  assert.equal(serviceItems([{ protocol: 'tcp', from: 1, to: 65535 }, { protocol: 'icmp' }]), ['tcp', 'icmp']);
});

const account: Account = {
  firewalls: [],
  tags: ['web'],
  droplets: [
    { id: 1, name: 'legacy-1', tags: [], addresses: [cidr('10.0.0.1')] },
    { id: 2, name: 'legacy-2', tags: [], addresses: [cidr('10.0.0.2')] },
    { id: 3, name: 'web-1', tags: ['web'], addresses: [cidr('10.0.0.3')] },
  ],
  loadBalancers: [],
  clusters: [],
  databases: [],
};

test('a droplet set is named after the stem its droplets share, else after its firewall', () => {
  assert.is(setStem({ key: '1,2', ids: [1, 2], firewalls: ['old-fw'] }, account), 'legacy');
  assert.is(setStem({ key: '1,3', ids: [1, 3], firewalls: ['mixed-fw'] }, account), 'mixed');
});

const open = [
  { protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
  { protocol: 'udp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
  { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
];
const web = firewallFromApi({
  id: 'f1',
  name: 'web-fw',
  tags: ['web'],
  inbound_rules: [
    { protocol: 'tcp', ports: '443', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
    { protocol: 'tcp', ports: '22', sources: { droplet_ids: [1, 2] } },
  ],
  outbound_rules: open,
});

test('translation: 0.0.0.0/0 with ::/0 reads anyone; open outbound is open egress', () => {
  const draft = translate([web]);
  assert.equal(draft.restricted, []);
  assert.equal(draft.statements.map((s) => [s.sources.map((e) => e.kind), s.dests.map((e) => e.kind)]), [
    [['droplet', 'droplet'], ['unit-tag']],
    [['anyone'], ['unit-tag']],
  ]);
});

test('the proof sees a policy that does less, or more, than the firewall it replaces', () => {
  const withWeb: Account = { ...account, firewalls: [web] };
  const exact = 'policy p\ntags web\nreplaces firewall "web-fw"\nanyone may reach web on https\ndroplet "legacy-1", droplet "legacy-2" may reach web on ssh\n';
  assert.equal(proveExact(exact, withWeb, [web], '2026-11-24').differences, []);
  const less = proveExact('policy p\ntags web\nreplaces firewall "web-fw"\nanyone may reach web on https\n', withWeb, [web], '2026-11-24');
  assert.ok(less.differences.some((d) => d.kind === 'lost' && d.from === 'droplet legacy-1 (1)' && d.services === 'tcp 22'), JSON.stringify(less.differences));
  const more = proveExact(exact.replace('on https', 'on https, http'), withWeb, [web], '2026-11-24');
  assert.ok(more.differences.some((d) => d.kind === 'gained' && d.services === 'tcp 80' && d.lines.includes(4)), JSON.stringify(more.differences));
  const v6only = proveExact(exact.replace('anyone may', '0.0.0.0/0 may'), withWeb, [web], '2026-11-24');
  assert.ok(v6only.differences.some((d) => d.kind === 'lost' && /::|IPv6|2000|^[0-9a-f:]+$/.test(d.from)), JSON.stringify(v6only.differences.map((d) => d.from)));
});

test('an allow between two governed tags that only part of passes today is written as that part', () => {
  const a = firewallFromApi({ id: 'fa', name: 'a-fw', tags: ['a'], inbound_rules: [], outbound_rules: [{ protocol: 'tcp', ports: 'all', destinations: { tags: ['b'] } }] });
  const b = firewallFromApi({ id: 'fb', name: 'b-fw', tags: ['b'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { tags: ['a'] } }], outbound_rules: open });
  const two: Account = {
    ...account,
    firewalls: [a, b],
    droplets: [
      { id: 7, name: 'a-1', tags: ['a'], addresses: [cidr('10.0.0.7')] },
      { id: 8, name: 'b-1', tags: ['b'], addresses: [cidr('10.0.0.8')] },
    ],
  };
  const result = importFirewalls({ account: two, names: [], all: true, policy: 'p', from: 'a test', bestEffort: false, asOf: '2026-11-24' });
  assert.ok(result.exact, result.problems.join('\n'));
  assert.match(result.text!, /#   a-fw: tcp all from tag a to tag b \(but tcp 22, which passes\)/);
  assert.match(result.text!, /^a may reach b on ssh {2}# from a-fw, b-fw$/m);
  // Without the cut, `a may reach b on tcp` would open b's inbound to all of tcp from a: the proof says so.
  const naive = 'policy p\ntags a, b\nreplaces firewall "a-fw"\nreplaces firewall "b-fw"\negress from a is restricted\na may reach b on tcp\n';
  assert.ok(proveExact(naive, two, [a, b], '2026-11-24').differences.some((d) => d.kind === 'gained' && d.services === 'tcp 1-21, 23-65535'));
});

test('the proof finds the same differences walking only the pairs a differing rule touches as walking every pair', () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const PORTS = ['22', '80', '443', '5432', '8000-8100', 'all'];
  let differing = 0;
  const cases = Number(process.env.FWC_IMPORT_PROOF_CASES ?? 40);
  for (let c = 0; c < cases; c++) {
    const tags = ['a', 'b', 'c', 'd'].slice(0, 2 + rand(3));
    const droplets = Array.from({ length: 3 + rand(6) }, (_, i) => ({ id: 100 + i, name: `d-${i}`, tags: [tags[rand(tags.length)]!, ...(rand(3) === 0 ? [tags[rand(tags.length)]!] : [])], addresses: [cidr(`10.0.${c}.${i + 1}`)] }));
    const source = () =>
      rand(3) === 0 ? { addresses: [['0.0.0.0/0', '::/0'], ['203.0.113.0/24'], [`10.0.${c}.0/29`]][rand(3)]! } : rand(2) === 0 ? { tags: [tags[rand(tags.length)]!] } : { droplet_ids: [droplets[rand(droplets.length)]!.id] };
    const firewalls = tags.map((t, f) =>
      firewallFromApi({
        id: `f${f}`,
        name: `${t}-fw`,
        tags: [t],
        inbound_rules: Array.from({ length: 1 + rand(3) }, () => ({ protocol: rand(4) === 0 ? 'udp' : 'tcp', ports: PORTS[rand(PORTS.length)]!, sources: source() })),
        outbound_rules: rand(3) === 0 ? [{ protocol: 'tcp', ports: PORTS[rand(PORTS.length)]!, destinations: source() }] : open,
      }),
    );
    const world: Account = { ...account, tags, droplets, firewalls };
    const imported = importFirewalls({ account: world, names: [], all: true, policy: 'p', from: 'a test', bestEffort: true, asOf: '2026-11-24' });
    if (imported.text === null) continue;
    // The import as written, and with one statement changed, dropped or added.
    const lines = imported.text.split('\n');
    const grants = lines.map((l, i) => [l, i] as const).filter(([l]) => / may reach | must not reach /.test(l) && !l.startsWith('#'));
    const variants = [imported.text];
    if (grants.length > 0) {
      const [line, at] = grants[rand(grants.length)]!;
      variants.push(lines.filter((_, i) => i !== at).join('\n'));
      variants.push(lines.map((l, i) => (i === at ? line.replace(/ on .*$/, ` on ${PORTS[rand(PORTS.length - 1)]}`) : l)).join('\n'));
    }
    variants.push(`${imported.text}\n${tags[rand(tags.length)]} may reach ${tags[rand(tags.length)]} on tcp ${1000 + rand(50)}\n`);
    for (const text of variants) {
      const walked = proveExact(text, world, firewalls, '2026-11-24', 'changed');
      const every = proveExact(text, world, firewalls, '2026-11-24', 'every');
      assert.equal(walked.differences, every.differences, text);
      assert.is(walked.pairs, every.pairs);
      assert.equal(walked.diagnostics.map((d) => d.message), every.diagnostics.map((d) => d.message));
      if (every.differences.length > 0) differing++;
    }
  }
  assert.ok(differing >= cases / 2, `only ${differing} of the generated policies differ from their account: the test would not see a missed pair`);
});

test.run();
