// The reachability engine (src/analysis/network.ts, bitsets over port atoms) against the engine it
// replaced (test/helpers/referenceNetwork.ts, interval lists), flow for flow: on generated policies —
// compiled firewalls, plus unmanaged firewalls with overlapping address blocks, droplet ids, deny rules
// and odd port ranges on the same tags — every pair of hosts must be allowed and denied the same
// traffic, see the same firewalls and get the same explanation. Also: bitsets of networks that share
// port atoms compare as the service sets do. FWC_ENGINE_RUNS sets the number of accounts (CI: 60).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Network, type DatabaseAccess, type Host } from '../../src/analysis/network.js';
import { difference } from '../../src/analysis/portAtoms.js';
import { equals, isEmpty, subtract } from '../../src/analysis/serviceSet.js';
import { parseAddress, type Cidr } from '../../src/model/addresses.js';
import { portRange } from '../../src/model/rules.js';
import type { Firewall, Peer, Rule } from '../../src/model/firewall.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { policyHosts } from '../../src/plan/hosts.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { generateChange } from '../helpers/generateChange.js';
import { generatePolicy, rng } from '../helpers/generatePolicy.js';
import { forChangedPairs } from '../../src/plan/changedPairs.js';
import { ReferenceNetwork } from '../helpers/referenceNetwork.js';

const RUNS = Number(process.env.FWC_ENGINE_RUNS ?? 60);
const cidr = (t: string): Cidr => (parseAddress(t) as { ok: true; cidr: Cidr }).cidr;
const BLOCKS = ['0.0.0.0/0', '::/0', '10.0.0.0/8', '10.1.0.0/16', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '192.0.2.7'];

/** Unmanaged firewalls on the policy's tags: rules the compiler would never write (nested blocks, denies, ids). */
function unmanaged(seed: number, tags: readonly string[], dropletIds: readonly number[]): Firewall[] {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const peer = (): Peer => {
    const x = int(5);
    if (x === 0 && tags.length > 0) return { kind: 'tag', name: pick(tags).toUpperCase() };
    if (x === 1 && dropletIds.length > 0) return { kind: 'droplet', id: pick(dropletIds) };
    if (x === 2 && int(2) === 0) return int(2) === 0 ? { kind: 'kubernetes', id: 'K-1' } : { kind: 'load-balancer', id: 'lb-1' };
    return { kind: 'address', cidr: cidr(pick(BLOCKS)) };
  };
  const rule = (): Rule => {
    const protocol = pick(['tcp', 'udp', 'icmp'] as const);
    const from = 1 + int(6000);
    return { direction: pick(['inbound', 'outbound'] as const), protocol, ports: protocol === 'icmp' || int(5) === 0 ? portRange(1, 65535) : portRange(from, from + int(3) * int(900)), peer: peer(), action: int(4) === 0 ? 'deny' : 'allow', origins: [] };
  };
  return Array.from({ length: 1 + int(4) }, (_, i) => ({
    name: `legacy-${i}`,
    tags: tags.length > 0 ? [pick(tags)] : [],
    dropletIds: int(3) === 0 && dropletIds.length > 0 ? [pick(dropletIds)] : [],
    rules: Array.from({ length: int(8) }, rule),
  }));
}

const Differential = suite('the bitset engine against the reference engine');
Differential(`${RUNS} generated accounts: every pair allowed, denied, explained the same`, () => {
  let pairs = 0;
  let flows = 0;
  for (let seed = 1; seed <= RUNS; seed++) {
    const text = generatePolicy(seed, { statements: 8 + (seed % 20), tags: 3 + (seed % 5), guardrails: 0.2, restricted: 0.3, pools: 'small', resources: true });
    const built = buildPolicies([new SourceFile('p.fw', text)], { asOf: '2026-11-24' });
    assert.equal(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], text);
    const policies = built.policies.map((b) => b.policy);
    // Besides the policy's representatives: a cluster by id, one of its worker droplets, a load balancer by id.
    const resources: Host[] = [
      { key: 'k8s:K-1', label: 'cluster K-1', kind: 'cluster', tags: [], addresses: [cidr('10.9.0.1')], clusterId: 'K-1' },
      { key: 'node', label: 'node of K-1', kind: 'droplet', tags: ['K8S:k-1'], addresses: [cidr('10.9.0.2')], dropletId: 777 },
      { key: 'lb:lb-1', label: 'load balancer lb-1', kind: 'load-balancer', tags: [], addresses: [cidr('203.0.113.50')], loadBalancerId: 'lb-1' },
    ];
    const hosts: Host[] = [...policyHosts(policies), ...resources];
    const tags = [...new Set(hosts.flatMap((h) => h.tags))];
    const ids = hosts.flatMap((h) => (h.dropletId !== undefined ? [h.dropletId] : []));
    const firewalls = [...built.policies.flatMap((b) => b.compiled.firewalls), ...unmanaged(seed, tags, ids)];
    const databases: DatabaseAccess[] = [{ name: 'db0', sources: [{ type: 'tag', value: tags[0] ?? 'x' }, { type: 'ip_addr', value: '10.0.0.0/8' }] }];
    const neu = new Network(firewalls, databases);
    const ref = new ReferenceNetwork(firewalls, databases);
    for (const src of hosts) {
      assert.equal(neu.firewallsOf(src).map((f) => f.name).sort(), ref.firewallsOf(src).map((f) => f.name).sort(), `seed ${seed}: firewalls of ${src.label}`);
      for (const dst of hosts) {
        if (src.kind === 'database') continue;
        pairs++;
        const a = neu.allowed(src, dst);
        const b = ref.allowed(src, dst);
        assert.ok(equals(a, b), `seed ${seed}: ${src.label} → ${dst.label}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}\n${text}`);
        assert.ok(equals(neu.denied(src, dst), ref.denied(src, dst)), `seed ${seed}: denied ${src.label} → ${dst.label}`);
        if (!isEmpty(a)) flows++;
        const port = 1 + ((seed * 7919 + pairs) % 6000);
        const plain = (x: unknown) => JSON.stringify(x, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
        assert.is(plain(neu.explain(src, dst, 'tcp', port)), plain(ref.explain(src, dst, 'tcp', port)), `seed ${seed}: explain`);
      }
    }
  }
  assert.ok(flows > pairs / 20, `only ${flows} of ${pairs} pairs had a flow: the accounts test little`);
});
Differential('networks sharing port atoms compare as bitsets exactly as their service sets do', () => {
  const text = generatePolicy(7, { statements: 30, tags: 5, guardrails: 0.2, restricted: 0.3, pools: 'small', resources: true });
  const built = buildPolicies([new SourceFile('p.fw', text)], { asOf: '2026-11-24' });
  const hosts = policyHosts(built.policies.map((b) => b.policy));
  const before = built.policies.flatMap((b) => b.compiled.firewalls);
  const after = [...before.slice(1), ...unmanaged(7, [...new Set(hosts.flatMap((h) => h.tags))], [])];
  const atoms = Network.atomsOf(before, after);
  const oldNet = new Network(before, [], atoms);
  const newNet = new Network(after, [], atoms);
  let differing = 0;
  for (const src of hosts) {
    for (const dst of hosts) {
      const gained = oldNet.atoms.toServiceSet(difference(newNet.allowedBits(src, dst), oldNet.allowedBits(src, dst)));
      assert.ok(equals(gained, subtract(newNet.allowed(src, dst), oldNet.allowed(src, dst))), `${src.label} → ${dst.label}`);
      if (!isEmpty(gained)) differing++;
    }
  }
  assert.ok(differing > 0, 'the two networks do not differ: nothing was compared');
});
Differential('the pairs a change can alter are all found from the changed rules (plan/changedPairs.ts)', () => {
  let changed = 0;
  for (let seed = 1; seed <= RUNS; seed++) {
    const pair = generateChange(seed);
    const build = (text: string) => buildPolicies([new SourceFile('p.fw', text)], { asOf: '2026-11-24' }).policies;
    const [before, after] = [build(pair.old), build(pair.new)];
    const hosts = policyHosts([...before, ...after].map((b) => b.policy));
    const tags = [...new Set(hosts.flatMap((h) => h.tags))];
    const legacy = unmanaged(seed, tags, []);
    const oldFws = [...before.flatMap((b) => b.compiled.firewalls), ...legacy];
    const newFws = [...after.flatMap((b) => b.compiled.firewalls), ...legacy.slice(seed % 2)];
    const dbs = (v: string): DatabaseAccess[] => [{ name: 'main-db', sources: [{ type: 'tag', value: v }] }];
    const dbHost: Host = { key: 'database:main-db', label: 'database main-db', kind: 'database', tags: [], addresses: [], databaseName: 'main-db' };
    const all = [...hosts, dbHost];
    const oldRef = new ReferenceNetwork(oldFws, dbs('web'));
    const newRef = new ReferenceNetwork(newFws, dbs(seed % 3 === 0 ? 'app' : 'web'));
    const visited = new Set<string>();
    forChangedPairs(new Network(oldFws, dbs('web')), new Network(newFws, dbs(seed % 3 === 0 ? 'app' : 'web')), all, (src) => src.kind !== 'database', (src, dst) => visited.add(`${src.key} → ${dst.key}`));
    for (const src of all) {
      if (src.kind === 'database') continue;
      for (const dst of all) {
        if (equals(oldRef.allowed(src, dst), newRef.allowed(src, dst))) continue;
        changed++;
        assert.ok(visited.has(`${src.key} → ${dst.key}`), `seed ${seed}: ${src.label} → ${dst.label} changed but was not visited\n${pair.old}---\n${pair.new}`);
      }
    }
  }
  assert.ok(changed > RUNS, `only ${changed} changed pairs in ${RUNS} changes`);
});
Differential.run();
