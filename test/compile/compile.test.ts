// The compiler in detail: merging, coverage, canonical order and bytes, DigitalOcean's limits and
// sharding, symbolic resources, databases, and the request bodies against the OpenAPI schema.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { validateRequest } from '../../src/api/schema.js';
import { resolveDesired } from '../../src/plan/resolve.js';
import { ruleKey } from '../../src/model/rules.js';
import type { CompiledPolicy } from '../../src/model/firewall.js';
import { firewallToApi } from '../../src/compile/toApi.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { compiledDocument, serialize } from '../../src/cli/compiledOutput.js';
import { generatePolicy } from '../helpers/generatePolicy.js';

function compileText(text: string, asOf = '2026-11-24'): CompiledPolicy {
  const built = buildPolicies([new SourceFile('t.fw', text)], { asOf });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.map((e) => e.message), [], 'policy should compile');
  return built.policies[0]!.compiled;
}

/** The rule keys of a firewall, without the six rules of open egress unless asked for. */
function keys(compiled: CompiledPolicy, firewall: string, withOpenEgress = false): string[] {
  const fw = compiled.firewalls.find((f) => f.name === firewall);
  assert.ok(fw, `no firewall ${firewall}`);
  return fw!.rules.map(ruleKey).filter((k) => withOpenEgress || !/^out (tcp|udp|icmp) all addr:(0\.0\.0\.0|::)\/0 allow$/.test(k));
}

const Merging = suite('merging');
Merging('adjacent and overlapping intervals of one source merge', () => {
  const c = compileText('policy p\ntags web, db\nweb may reach db on 80, 81, 82-90, 85-100, 200\n');
  assert.equal(keys(c, 'fwc-p-db'), ['in tcp 80-100 tag:web allow', 'in tcp 200 tag:web allow']);
});
Merging('a gap of one port keeps intervals apart', () => {
  const c = compileText('policy p\ntags web, db\nweb may reach db on 80, 82\n');
  assert.equal(keys(c, 'fwc-p-db'), ['in tcp 80 tag:web allow', 'in tcp 82 tag:web allow']);
});
Merging('identical intervals of different sources become one DigitalOcean rule', () => {
  const c = compileText('policy p\ntags web, api, db\nweb may reach db on postgres\napi may reach db on 5432\n');
  const body = firewallToApi(c.firewalls.find((f) => f.name === 'fwc-p-db')!);
  assert.equal(body.inbound_rules, [{ protocol: 'tcp', ports: '5432', sources: { tags: ['api', 'web'] } }]);
});
Merging('addresses covered by a wider address on the same ports are dropped', () => {
  const c = compileText(
    'policy p\ntags db\naddresses lan = 10.0.0.0/8\nlan may reach db on 5432\n10.1.0.0/16, 10.2.3.4 may reach db on 5432\n10.1.0.0/16 may reach db on 5433\n',
  );
  // 10.2.3.4 on 5432 is dropped; 10.1.0.0/16's 5432-5433 is only partly covered, so it stays whole.
  assert.equal(keys(c, 'fwc-p-db').filter((k) => k.startsWith('in')), ['in tcp 5432 addr:10.0.0.0/8 allow', 'in tcp 5432-5433 addr:10.1.0.0/16 allow']);
});
Merging('an address only partly covered stays', () => {
  const c = compileText('policy p\ntags db\n10.0.0.0/8 may reach db on 80-90\n10.1.0.0/16 may reach db on 85-95\n');
  assert.equal(keys(c, 'fwc-p-db').filter((k) => k.startsWith('in')), ['in tcp 80-90 addr:10.0.0.0/8 allow', 'in tcp 85-95 addr:10.1.0.0/16 allow']);
});
Merging('tcp 1-65535 is all ports, and icmp has no ports', () => {
  const c = compileText('policy p\ntags web, db\nweb may reach db on tcp 1-65535, icmp\n');
  const body = firewallToApi(c.firewalls.find((f) => f.name === 'fwc-p-db')!);
  assert.equal(body.inbound_rules, [
    { protocol: 'tcp', ports: '1-65535', sources: { tags: ['web'] } },
    { protocol: 'icmp', sources: { tags: ['web'] } },
  ]);
});
Merging.run();

// ---

const Semantics = suite('what each statement compiles to');
Semantics('open egress: all tcp, udp and icmp to every address', () => {
  const c = compileText('policy p\ntags web\n');
  const body = firewallToApi(c.firewalls[0]!);
  assert.equal(body, {
    name: 'fwc-p-web',
    inbound_rules: [],
    outbound_rules: [
      { protocol: 'tcp', ports: '1-65535', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
      { protocol: 'udp', ports: '1-65535', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
      { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
    ],
    tags: ['web'],
  });
});
Semantics('restricted egress: exactly the grants with the tag as source', () => {
  const c = compileText('policy p\ntags db, cache\negress from db is restricted\ndb may reach cache on redis\ndb may reach anyone on dns\n');
  assert.equal(keys(c, 'fwc-p-db'), [
    'out tcp 53 addr:0.0.0.0/0 allow',
    'out tcp 53 addr:::/0 allow',
    'out tcp 6379 tag:cache allow',
    'out udp 53 addr:0.0.0.0/0 allow',
    'out udp 53 addr:::/0 allow',
  ]);
  assert.equal(keys(c, 'fwc-p-cache').filter((k) => k.startsWith('in')), ['in tcp 6379 tag:db allow']);
});
Semantics('must not: inbound deny on tag destinations, outbound deny on tag sources otherwise', () => {
  const c = compileText('policy p\ntags app, db\napp must not reach db, anyone on smtp\n');
  assert.equal(keys(c, 'fwc-p-db').filter((k) => k.includes('deny')), ['in tcp 25 tag:app deny']);
  assert.equal(keys(c, 'fwc-p-app').filter((k) => k.includes('deny')), ['out tcp 25 addr:0.0.0.0/0 deny', 'out tcp 25 addr:::/0 deny']);
  const body = firewallToApi(c.firewalls.find((f) => f.name === 'fwc-p-db')!);
  assert.equal(body.inbound_rules, [{ protocol: 'tcp', ports: '25', action: 'deny', sources: { tags: ['app'] } }]);
});
Semantics('expired grants are left out; grants on their last day are kept', () => {
  const text = 'policy p\ntags web, db\nweb may reach db on 80 until 2026-11-23\nweb may reach db on 81 until 2026-11-24\n';
  assert.equal(keys(compileText(text), 'fwc-p-db'), ['in tcp 81 tag:web allow']);
  assert.equal(keys(compileText(text, '2026-11-25'), 'fwc-p-db'), []);
});
Semantics('load balancers, clusters and droplets by name stay symbolic until plan time', () => {
  const c = compileText('policy p\ntags web\nload-balancer "lb", cluster "k", droplet "d", droplet 42 may reach web on 80\n');
  const body = firewallToApi(c.firewalls[0]!);
  assert.equal(body.inbound_rules, [
    { protocol: 'tcp', ports: '80', sources: { droplet_ids: [42], 'x-fwc-unresolved': ['cluster:k', 'droplet:d', 'load-balancer:lb'] } },
  ]);
});
Semantics('database destinations compile to trusted sources', () => {
  const c = compileText('policy p\ntags app\naddresses office = 203.0.113.0/24\napp, office, droplet 7, cluster "k" may reach database "main"\n', '2026-11-24');
  assert.equal(c.databases.map((d) => d.sources), [
    [
      { type: 'droplet', value: '7' },
      { type: 'ip_addr', value: '203.0.113.0/24' },
      { type: 'tag', value: 'app' },
      { type: 'unresolved', resource: 'cluster', name: 'k' },
    ],
  ]);
});
Semantics('firewall names replace characters DigitalOcean refuses', () => {
  const c = compileText('policy my_shop\ntags env:prod, db_1\n');
  assert.equal(c.firewalls.map((f) => f.name), ['fwc-my-shop-db-1', 'fwc-my-shop-env-prod']);
});
Semantics.run();

// ---

const Limits = suite('DigitalOcean limits and sharding');
Limits('more than 50 rules split into -2, -3 … firewalls on the same tag', () => {
  const ports = Array.from({ length: 120 }, (_, i) => 1000 + i * 2).join(', ');
  const c = compileText(`policy p\ntags web, db\nweb may reach db on ${ports}\n`);
  const shards = c.firewalls.filter((f) => f.tags[0] === 'db');
  assert.equal(shards.map((f) => f.name), ['fwc-p-db', 'fwc-p-db-2', 'fwc-p-db-3']);
  for (const fw of shards) {
    const body = firewallToApi(fw);
    assert.ok(body.inbound_rules.length + body.outbound_rules.length <= 50);
    assert.equal(body.tags, ['db']);
  }
  assert.is(shards.reduce((n, f) => n + f.rules.length, 0), 120 + 6);
});
Limits('more than 1000 sources in one rule split into several rules', () => {
  const addrs = Array.from({ length: 1500 }, (_, i) => `10.${Math.floor(i / 250)}.${i % 250}.1`).join(', ');
  const c = compileText(`policy p\ntags db\naddresses many = ${addrs}\nmany may reach db on 5432\n`);
  const body = firewallToApi(c.firewalls[0]!);
  const sizes = body.inbound_rules.map((r) => r.sources!.addresses!.length);
  assert.equal(sizes, [1000, 500]);
});
Limits('a shard name that meets another tag\'s firewall is an error', () => {
  const ports = Array.from({ length: 60 }, (_, i) => 1000 + i * 2).join(', ');
  const built = buildPolicies([new SourceFile('t.fw', `policy p\ntags web, db, db-2\nweb may reach db on ${ports}\n`)], { asOf: '2026-11-24' });
  assert.ok(built.diagnostics.some((d) => d.code.code === 'FW207'));
});
Limits.run();

// ---

const Output = suite('canonical, byte-stable output');
Output('the same policy in another order compiles to the same bytes', () => {
  const a = 'policy p\ntags web, db, api\nweb may reach db on 80, 443\napi may reach db on 443\nanyone may reach web on http\n';
  const b = 'policy p\ntags api, db, web\nanyone may reach web on http\napi may reach db on https\nweb may reach db on 443, 80\n';
  const doc = (t: string) => {
    const built = buildPolicies([new SourceFile('p.fw', t)], { asOf: '2026-11-24' });
    return serialize(compiledDocument(built.policies), 'json');
  };
  const da = doc(a);
  assert.is(da, doc(b));
  assert.is(da, doc(a));
  assert.ok(da.endsWith('}\n'));
});
Output('resolved against an account, bodies with droplet sets, tag references, VPCs and every destination kind validate', () => {
  const account = {
    firewalls: [],
    tags: [],
    droplets: [
      { id: 4242, name: 'x', tags: [], addresses: [] },
      { id: 4243, name: 'legacy', tags: [], addresses: [] },
      { id: 5151, name: 'y', tags: [], addresses: [] },
      { id: 5152, name: 'ds-1', tags: [], addresses: [] },
    ],
    loadBalancers: [{ id: '4de7ac8b-495b-4884-9a69-1050c6793cd6', name: 'lb1' }],
    clusters: [{ id: 'bd5f5959-5e1e-4205-a714-a914373942af', name: 'k1' }],
    databases: [],
    vpcs: [{ id: '5a4981aa-9653-4bd1-bef5-d6bff52042e4', name: 'v1', ipRange: '10.10.0.0/16' }],
  };
  const kinds = new Set<string>();
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    const text = generatePolicy(seed, { statements: 40, tags: 5, resources: true, reach: true, restricted: 0.6 }).replace(/^.*database ".*$/gm, '');
    const built = buildPolicies([new SourceFile('g.fw', text)], { asOf: '2026-11-24' });
    const resolved = resolveDesired(built.policies, account);
    assert.equal(resolved.diagnostics.map((d) => d.message), [], text);
    for (const fw of resolved.value.firewalls) {
      const body = firewallToApi(fw);
      assert.not.ok('x-fwc-unresolved' in body, 'every droplet of a set is resolved');
      assert.equal(validateRequest('firewalls_create', body), [], `${fw.name} (seed ${seed})`);
      for (const r of body.outbound_rules) for (const k of Object.keys(r.destinations ?? {})) kinds.add(k);
    }
  }
  assert.equal([...kinds].sort(), ['addresses', 'droplet_ids', 'kubernetes_ids', 'load_balancer_uids', 'tags']);
});
Output('every firewall body validates against the OpenAPI request schemas', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const text = generatePolicy(seed, { statements: 60, tags: 8, resources: false, guardrails: 0.2 });
    const built = buildPolicies([new SourceFile('g.fw', text)], { asOf: '2026-11-24' });
    for (const fw of built.policies[0]!.compiled.firewalls) {
      const body = firewallToApi(fw);
      assert.equal(validateRequest('firewalls_create', body), [], `${fw.name} (seed ${seed})`);
      assert.equal(validateRequest('firewalls_update', body), [], `${fw.name} (seed ${seed})`);
      for (const rule of [...body.inbound_rules, ...body.outbound_rules]) {
        if (rule.protocol === 'icmp') assert.is(rule.ports, undefined, 'icmp rules carry no ports');
        else assert.ok(rule.ports === '1-65535' || /^\d+(-\d+)?$/.test(rule.ports!), rule.ports);
      }
    }
  }
});
Output('the documented exception is the only one: icmp without ports', () => {
  const errors = validateRequest('firewalls_create', { name: 'x1', inbound_rules: [{ protocol: 'tcp', sources: { tags: ['a'] } }] });
  assert.ok(errors.some((e) => e.message.includes('ports')), 'tcp without ports must still be invalid');
});
Output.run();
