// The lockout guards on their own (plan/warnings/): what `fwc apply` refuses without --allow-lockout must
// be found whatever port atoms the rules cut, and only when it is true.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type Host, Network } from '../../src/analysis/index.js';
import { type Firewall, parseAddress, type Rule } from '../../src/model/index.js';
import type { Account } from '../../src/plan/types.js';
import { guardWarnings } from '../../src/plan/warnings/rules.js';

const cidr = (t: string) => {
  const r = parseAddress(t);
  if (!r.ok) throw new Error(t);
  return r.cidr;
};
const droplet = (id: number, tag: string, ip: string): Host => ({ key: `droplet:${id}`, label: `droplet ${tag}-${id}`, kind: 'droplet', tags: [tag], addresses: [cidr(ip)], dropletId: id });
const web = droplet(2, 'web', '10.0.0.2');
const bastion = droplet(1, 'bastion', '10.0.0.1');
const hosts = [bastion, web];
const account: Account = {
  firewalls: [],
  tags: ['web', 'bastion'],
  droplets: [
    { id: 1, name: 'bastion-1', tags: ['bastion'], addresses: [cidr('10.0.0.1')] },
    { id: 2, name: 'web-1', tags: ['web'], addresses: [cidr('10.0.0.2')] },
  ],
  loadBalancers: [],
  clusters: [],
  databases: [],
};
const open: Rule[] = (['tcp', 'udp'] as const).map((protocol) => ({ direction: 'outbound', protocol, ports: { kind: 'all' }, peer: { kind: 'address', cidr: cidr('0.0.0.0/0') }, action: 'allow', origins: [] }));
const inbound = (from: number, to: number, peer: Rule['peer'] = { kind: 'tag', name: 'bastion' }, action: Rule['action'] = 'allow'): Rule => ({ direction: 'inbound', protocol: 'tcp', ports: { kind: 'range', from, to }, peer, action, origins: [] });
const fw = (name: string, tag: string, rules: Rule[]): Firewall => ({ name, tags: [tag], dropletIds: [], rules: [...rules, ...open] });

function guards(before: Firewall[], after: Firewall[]): string[] {
  const atoms = Network.atomsOf(before, after);
  const oldNet = new Network(before, [], atoms);
  const newNet = new Network(after, [], atoms);
  return guardWarnings({ account, oldNet, newNet, hosts, allFirewalls: [...before, ...after] }).map((d) => `${d.code.code} ${d.message}`);
}

const Guards = suite('lockout guards');
const bastionFw = fw('fwc-p-bastion', 'bastion', []);

Guards('ssh inside a wider range, then cut out of it: a lockout, wherever the atoms are cut', () => {
  const before = [bastionFw, fw('fwc-p-web', 'web', [inbound(20, 30)])];
  assert.equal(guards(before, [bastionFw, fw('fwc-p-web', 'web', [inbound(20, 21), inbound(23, 30)])]), [
    'FW712 droplets tagged web lose every SSH allow, and with it the Droplet Console; the Recovery Console still works',
  ]);
  // Atoms not cut at 22 at all: the range stays, its source goes.
  assert.equal(guards(before, [bastionFw, fw('fwc-p-web', 'web', [inbound(20, 30, { kind: 'tag', name: 'nobody' })])]).length, 1);
  // The same port moved into another range, or a source the bastion is inside: no lockout.
  assert.equal(guards(before, [bastionFw, fw('fwc-p-web', 'web', [inbound(1, 1000)])]), []);
  assert.equal(guards(before, [bastionFw, fw('fwc-p-web', 'web', [inbound(22, 22, { kind: 'address', cidr: cidr('10.0.0.0/24') })])]), []);
});
Guards('a deny on the port, or an allow from no host there is, is a lockout', () => {
  const before = [bastionFw, fw('fwc-p-web', 'web', [inbound(22, 22)])];
  assert.equal(guards(before, [bastionFw, fw('fwc-p-web', 'web', [inbound(22, 22), inbound(1, 100, { kind: 'tag', name: 'bastion' }, 'deny')])]).length, 1);
  assert.equal(guards(before, [bastionFw, fw('fwc-p-web', 'web', [inbound(22, 22, { kind: 'tag', name: 'nobody' })])]).length, 1);
});
Guards('droplets whose last firewall goes are left with none (FW711)', () => {
  assert.equal(guards([bastionFw, fw('fwc-p-web', 'web', [inbound(22, 22)])], [bastionFw]), [
    'FW711 droplets tagged web would be left with no firewall, every port open',
  ]);
});
Guards.run();
