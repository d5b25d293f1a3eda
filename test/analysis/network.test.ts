// DigitalOcean's semantics, case by case: no firewall is open, firewalls add up, deny beats allow in any
// firewall, an empty outbound list blocks egress, addresses cover droplets, databases trust their sources.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { Network, type Host } from '../../src/analysis/network.js';
import { describe } from '../../src/analysis/serviceSet.js';
import { parseAddress, type Cidr } from '../../src/model/addresses.js';
import { ALL_PORTS, portRange } from '../../src/model/rules.js';
import type { Firewall, Peer, Rule } from '../../src/model/firewall.js';

const cidr = (t: string): Cidr => (parseAddress(t) as { ok: true; cidr: Cidr }).cidr;
const droplet = (name: string, tags: string[], address: string, id?: number): Host => ({
  key: name,
  label: name,
  kind: 'droplet',
  tags,
  addresses: [cidr(address)],
  ...(id !== undefined ? { dropletId: id } : {}),
});
const external = (address: string): Host => ({ key: address, label: address, kind: 'external', tags: [], addresses: [cidr(address)] });
const tag = (name: string): Peer => ({ kind: 'tag', name });
const addr = (t: string): Peer => ({ kind: 'address', cidr: cidr(t) });
function rule(direction: Rule['direction'], protocol: Rule['protocol'], ports: string, peer: Peer, action: Rule['action'] = 'allow'): Rule {
  const [from, to] = ports.split('-').map(Number);
  return { direction, protocol, ports: ports === 'all' ? ALL_PORTS : portRange(from!, to ?? from!), peer, action, origins: [] };
}
const fw = (name: string, tags: string[], rules: Rule[], dropletIds: number[] = []): Firewall => ({ name, tags, dropletIds, rules });

const web = droplet('web', ['web'], '10.0.0.2', 1);
const db = droplet('db', ['db'], '10.0.0.3', 2);
const bare = droplet('bare', [], '10.0.0.4', 3);
const internet = external('198.51.100.1');

const Semantics = suite('DigitalOcean semantics');
Semantics('a droplet with no firewall is open both ways', () => {
  const n = new Network([]);
  assert.is(describe(n.allowed(internet, bare)), 'all traffic');
  assert.is(describe(n.allowed(bare, internet)), 'all traffic');
});
Semantics('inbound is deny by default; only allowed traffic enters', () => {
  const n = new Network([fw('fw-db', ['db'], [rule('inbound', 'tcp', '5432', tag('web'))])]);
  assert.is(describe(n.allowed(web, db)), 'tcp 5432');
  assert.is(describe(n.allowed(internet, db)), 'nothing');
});
Semantics('an empty outbound list blocks all egress', () => {
  const n = new Network([fw('fw-db', ['db'], [rule('inbound', 'tcp', '5432', tag('web'))])]);
  assert.is(describe(n.allowed(db, internet)), 'nothing');
  assert.is(describe(n.allowed(db, bare)), 'nothing');
});
Semantics('the allow rules of several firewalls on a droplet add up', () => {
  const n = new Network([
    fw('a', ['db'], [rule('inbound', 'tcp', '5432', tag('web'))]),
    fw('b', ['db'], [rule('inbound', 'tcp', '6379', tag('web'))]),
  ]);
  assert.is(describe(n.allowed(web, db)), 'tcp 5432, 6379');
});
Semantics('a deny rule in any firewall beats every allow', () => {
  const n = new Network([
    fw('allow-all', ['db'], [rule('inbound', 'tcp', 'all', addr('0.0.0.0/0'))]),
    fw('guard', ['db'], [rule('inbound', 'tcp', '5432', tag('web'), 'deny')]),
  ]);
  assert.is(describe(n.allowed(web, db)), 'tcp 1-5431, 5433-65535');
  assert.is(describe(n.allowed(internet, db)), 'tcp all');
});
Semantics('a flow between droplets needs the sender\'s outbound and the receiver\'s inbound', () => {
  const n = new Network([
    fw('fw-web', ['web'], [rule('outbound', 'tcp', '5432-5433', tag('db'))]),
    fw('fw-db', ['db'], [rule('inbound', 'tcp', '5433-6000', addr('10.0.0.0/8'))]),
  ]);
  assert.is(describe(n.allowed(web, db)), 'tcp 5433');
});
Semantics('an address rule covers droplets whose address is inside it', () => {
  const n = new Network([fw('fw-db', ['db'], [rule('inbound', 'tcp', '22', addr('10.0.0.0/24'))])]);
  assert.is(describe(n.allowed(web, db)), 'tcp 22');
  assert.is(describe(n.allowed(internet, db)), 'nothing');
});
Semantics('tags match case-insensitively; firewalls attach by droplet id too', () => {
  const n = new Network([fw('by-id', [], [rule('inbound', 'icmp', 'all', tag('WEB'))], [2])]);
  assert.is(describe(n.allowed(web, db)), 'icmp');
});
Semantics('a database admits its trusted sources, or everyone when it has none', () => {
  const database: Host = { key: 'db:main', label: 'main', kind: 'database', tags: [], addresses: [cidr('10.9.0.1')], databaseName: 'main' };
  const open = new Network([], [{ name: 'main', sources: [] }]);
  assert.is(describe(open.allowed(internet, database)), 'all traffic');
  const closed = new Network([], [{ name: 'main', sources: [{ type: 'tag', value: 'web' }, { type: 'ip_addr', value: '198.51.100.0/24' }] }]);
  assert.is(describe(closed.allowed(web, database)), 'all traffic');
  assert.is(describe(closed.allowed(internet, database)), 'all traffic');
  assert.is(describe(closed.allowed(bare, database)), 'nothing');
});
Semantics('explain names the rules that decide a flow', () => {
  const n = new Network([
    fw('allow', ['db'], [rule('inbound', 'tcp', '5432', tag('web'))]),
    fw('guard', ['db'], [rule('inbound', 'tcp', '5000-6000', addr('10.0.0.0/8'), 'deny')]),
  ]);
  const e = n.explain(web, db, 'tcp', 5432);
  assert.is(e.allowed, false);
  assert.equal(e.inbound!.allowedBy.map((r) => r.firewall), ['allow']);
  assert.equal(e.inbound!.deniedBy.map((r) => r.firewall), ['guard']);
  assert.is(e.outbound, null);
});
Semantics.run();
