// Apply ordering: the steps for typical changes, and the proof — every intermediate state allows what
// both versions allow and nothing neither allows — including the cases that need a bridge firewall.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAddress, type Cidr } from '../../src/model/addresses.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { accountHosts, dropletClasses } from '../../src/plan/hosts.js';
import { computePlan } from '../../src/plan/plan.js';
import { resolveDesired } from '../../src/plan/resolve.js';
import { describeStep, orderSteps, verify, type Step } from '../../src/plan/steps.js';
import { Network } from '../../src/analysis/network.js';
import type { Account, LiveDroplet } from '../../src/plan/types.js';
import { SourceFile } from '../../src/source/sourceFile.js';

const ip = (t: string): Cidr => (parseAddress(t) as { ok: true; cidr: Cidr }).cidr;

function compiled(text: string) {
  const built = buildPolicies([new SourceFile('shop.fw', text)], { asOf: '2026-11-24' });
  assert.equal(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return built.policies;
}

/** An account whose live firewalls are what `liveText` compiles to, with these droplets. */
function account(liveText: string | null, droplets: LiveDroplet[]): Account {
  const firewalls = liveText ? compiled(liveText).flatMap((b) => b.compiled.firewalls) : [];
  return {
    firewalls: firewalls.map((fw, i) => ({ id: `id-${i}`, name: fw.name, tags: fw.tags, dropletIds: fw.dropletIds, firewall: fw, fingerprint: `f${i}` })),
    tags: [...new Set(droplets.flatMap((d) => d.tags))],
    droplets,
    loadBalancers: [],
    clusters: [],
    databases: [],
  };
}

const droplet = (id: number, tags: string[]): LiveDroplet => ({ id, name: `d${id}`, tags, addresses: [ip(`10.0.0.${id}`)] });

function order(liveText: string | null, newText: string, droplets: LiveDroplet[]) {
  const acct = account(liveText, droplets);
  const built = compiled(newText);
  const desired = resolveDesired(built, acct).value;
  const plan = computePlan({ built, desired, account: acct }).value;
  const all = [...acct.firewalls.map((f) => f.firewall), ...desired.firewalls];
  const hosts = accountHosts(acct, all, built.map((b) => b.policy), []);
  const classes = dropletClasses(acct, all);
  return { ...orderSteps({ plan, account: acct, hosts, classes, policy: 'shop', databases: { before: [], after: [] } }), acct, plan, hosts, desired };
}

const kinds = (steps: readonly Step[]) => steps.map(describeStep);

const Order = suite('apply order');
Order('a new rule is one add; a changed port is add then remove', () => {
  const old = 'policy shop\ntags web, db\nweb may reach db on 5432\n';
  const r = order(old, 'policy shop\ntags web, db\nweb may reach db on 5433\n', [droplet(1, ['web']), droplet(2, ['db'])]);
  assert.equal(r.problems, []);
  assert.equal(kinds(r.steps), ['add 1 allow rule to fwc-shop-db', 'remove 1 allow rule from fwc-shop-db']);
});
Order('deny rules are added first and removed last', () => {
  const old = 'policy shop\ntags app, db\napp must not reach db on 22\napp may reach db on 5432\n';
  const r = order(old, 'policy shop\ntags app, db\napp must not reach db on 23\napp may reach db on 5433\n', [droplet(1, ['app']), droplet(2, ['db'])]);
  assert.equal(r.problems, []);
  assert.equal(kinds(r.steps), [
    'add 1 deny rule to fwc-shop-db',
    'add 1 allow rule to fwc-shop-db',
    'remove 1 allow rule from fwc-shop-db',
    'remove 1 deny rule from fwc-shop-db',
  ]);
});
Order('tags are created before firewalls; a new tag on open droplets needs no bridge', () => {
  const r = order(null, 'policy shop\ntags web\nanyone may reach web on https\n', [droplet(1, [])]);
  assert.equal(r.problems, []);
  assert.equal(kinds(r.steps), ['create tag web', 'create firewall fwc-shop-web (4 rules)']);
});
Order('droplets that go from no firewall to two shards get a bridge, by tag', () => {
  const ports = Array.from({ length: 60 }, (_, i) => 1000 + 2 * i).join(', ');
  const r = order(null, `policy shop\ntags web, db\nweb may reach db on ${ports}\n`, [droplet(1, ['web']), droplet(2, ['db'])]);
  assert.equal(r.problems, []);
  const text = kinds(r.steps);
  assert.is(text[0], 'create bridge firewall fwc-shop.bridge (6 rules)', text.join('\n'));
  // The bridge stands only while db's shards are made, so no other change meets wide-open db droplets.
  assert.equal(text.slice(1, 4), ['create firewall fwc-shop-db (50 rules)', 'create firewall fwc-shop-db-2 (13 rules)', 'delete bridge firewall fwc-shop.bridge'], text.join('\n'));
  assert.is(text[text.length - 1], 'create firewall fwc-shop-web (3 rules)');
  const bridge = r.steps.find((s) => s.kind === 'create-firewall' && s.bridge);
  assert.equal(bridge && bridge.kind === 'create-firewall' ? bridge.firewall.tags : null, ['db']);
});
Order('a tag some of whose droplets already have a firewall is bridged by droplet, not by tag', () => {
  const ports = Array.from({ length: 60 }, (_, i) => 1000 + 2 * i).join(', ');
  const old = 'policy shop\ntags other\n';
  const r = order(old, `policy shop\ntags other, db\nother may reach db on ${ports}\n`, [droplet(1, ['db']), droplet(2, ['db', 'other'])]);
  assert.equal(r.problems, []);
  const bridge = r.steps.find((s) => s.kind === 'create-firewall' && s.bridge);
  assert.ok(bridge && bridge.kind === 'create-firewall');
  assert.equal(bridge.kind === 'create-firewall' ? [bridge.firewall.tags, bridge.firewall.dropletIds] : null, [[], [1]]);
});
Order('a firewall whose old and new rules together pass 50 is replaced in one request', () => {
  const portsA = Array.from({ length: 40 }, (_, i) => 1000 + 2 * i).join(', ');
  const portsB = Array.from({ length: 40 }, (_, i) => 3000 + 2 * i).join(', ');
  const r = order(`policy shop\ntags web, db\nweb may reach db on ${portsA}\n`, `policy shop\ntags web, db\nweb may reach db on ${portsB}\n`, [droplet(1, ['web']), droplet(2, ['db'])]);
  assert.equal(r.problems, []);
  assert.equal(kinds(r.steps), ['replace firewall fwc-shop-db (43 rules)']);
});
Order('an inbound port opened while egress is restricted: narrowed first, so its droplets never send to themselves on it', () => {
  const old = 'policy shop\ntags web, search\nweb may reach search on 8000-8010\n';
  const neu = 'policy shop\ntags web, search\nweb may reach search on 8000-8010\nanyone may reach search on 8004-8008\negress from search is restricted\nsearch may reach anyone on https, dns\n';
  const r = order(old, neu, [droplet(1, ['web']), droplet(2, ['search'])]);
  assert.equal(r.problems, []);
  const steps = kinds(r.steps);
  const narrowed = steps.findIndex((s) => /^remove \d+ allow rules? from fwc-shop-search$/.test(s));
  const widened = steps.findIndex((s, i) => i > narrowed && /^add \d+ allow rules? to fwc-shop-search$/.test(s));
  assert.ok(narrowed >= 0 && widened > narrowed, steps.join('\n'));
  // Widening first would have been refused: the proof sees the moment search could reach itself.
  const widenFirst = [...r.steps].sort((a, b) => Number(a.kind === 'remove-rules') - Number(b.kind === 'remove-rules'));
  const live = new Map(r.acct.firewalls.map((f) => [f.name.toLowerCase(), f.firewall]));
  const problems = verify(widenFirst, live, new Network(r.acct.firewalls.map((f) => f.firewall)), new Network(r.desired.firewalls), r.hosts, { before: [], after: [] });
  assert.ok(problems.some((p) => /let d2 .*reach d2 .*beyond|search.*reach.*search.*beyond/.test(p)), problems.join('\n'));
});
Order('firewalls on the same droplets take turns: egress narrowed, then the other firewall widened, then the inbound narrowed', () => {
  const old = 'policy shop\ntags web, app\naddresses office = 10.0.0.0/24\noffice may reach app on udp 83-85\n';
  const neu = 'policy shop\ntags web, app\naddresses office = 10.0.0.0/24\noffice may reach app on udp 85\nanyone may reach web on udp\negress from app is restricted\napp may reach anyone on https, dns\n';
  const r = order(old, neu, [droplet(1, ['web']), droplet(2, ['web', 'app']), droplet(3, ['app'])]);
  assert.equal(r.problems, []);
  const steps = kinds(r.steps);
  const at = (re: RegExp) => steps.findIndex((s) => re.test(s));
  assert.ok(at(/^remove \d+ allow rules? from fwc-shop-app$/) < at(/^add \d+ allow rules? to fwc-shop-web$/), steps.join('\n'));
  assert.ok(at(/^add \d+ allow rules? to fwc-shop-web$/) < steps.findLastIndex((s) => /^remove \d+ allow rules? from fwc-shop-app$/.test(s)), steps.join('\n'));
});
Order.run();

// ---

const Proof = suite('the proof catches unsafe orders');
Proof('removing before adding would cut a flow both versions allow', () => {
  const old = 'policy shop\ntags web, db\nweb may reach db on 5432-5433\n';
  const r = order(old, 'policy shop\ntags web, db\nweb may reach db on 5432, 5434\n', [droplet(1, ['web']), droplet(2, ['db'])]);
  const add = r.steps.find((s) => s.kind === 'add-rules')!;
  const remove = r.steps.find((s) => s.kind === 'remove-rules')!;
  assert.ok(add && remove);
  // Removing the old 5432-5433 rule first would cut 5432, which both versions allow.
  const live = new Map(r.acct.firewalls.map((f) => [f.name.toLowerCase(), f.firewall]));
  const oldNet = new Network(r.acct.firewalls.map((f) => f.firewall));
  const newNet = new Network(r.desired.firewalls);
  const problems = verify([remove, add], live, oldNet, newNet, r.hosts, { before: [], after: [] });
  assert.ok(problems.length > 0);
  assert.match(problems[0]!, 'would cut');
  assert.equal(verify([add, remove], live, oldNet, newNet, r.hosts, { before: [], after: [] }), []);
});
Proof('adding a bridge where droplets already have a firewall would open them', () => {
  const old = 'policy shop\ntags web\n';
  const r = order(old, old, [droplet(1, ['web'])]);
  const live = new Map(r.acct.firewalls.map((f) => [f.name.toLowerCase(), f.firewall]));
  const net = new Network(r.acct.firewalls.map((f) => f.firewall));
  const bridge: Step = {
    kind: 'create-firewall',
    bridge: true,
    firewall: { name: 'fwc-shop.bridge', tags: ['web'], dropletIds: [], rules: [{ direction: 'inbound', protocol: 'tcp', ports: { kind: 'all' }, peer: { kind: 'address', cidr: ip('0.0.0.0/0') }, action: 'allow', origins: [] }] },
  };
  const problems = verify([bridge], live, net, net, r.hosts, { before: [], after: [] });
  assert.match(problems[0] ?? '', 'beyond what either state allows');
});
Proof.run();
