// Droplet sets at plan time: more than ten droplets are spread over firewalls of ten (DigitalOcean's
// limit), each with every rule; a set's firewalls, and only those, are fwc's when they carry no tag.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ownsSetFirewall } from '../../src/check/firewallNames.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { resolveDesired } from '../../src/plan/resolve.js';
import type { Account } from '../../src/plan/types.js';
import { SourceFile } from '../../src/source/sourceFile.js';

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

Sets.run();
