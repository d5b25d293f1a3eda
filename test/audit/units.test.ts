// The audit's small pieces on their own: how the address space is cut (public space only, edges of every
// block, IPv6 in 2000::/3), the sensitive-port list's shape, rule ids, and GitHub's escaping.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseAddress, type Cidr } from '../../src/model/addresses.js';
import { renderGithub } from '../../src/audit/format/github.js';
import { makeFinding } from '../../src/audit/finding.js';
import { AddressSpace, isPublic } from '../../src/audit/internet.js';
import { ALL_RULES, lookupRule } from '../../src/audit/rules.js';
import { SENSITIVE_PORTS } from '../../src/audit/sensitivePorts.js';

const cidr = (t: string): Cidr => {
  const r = parseAddress(t);
  if (!r.ok) throw new Error(t);
  return r.cidr;
};

const Space = suite('audit address space');

Space('public pieces: private blocks left out, every block edge a piece edge', () => {
  assert.ok(isPublic(cidr('8.8.8.8')));
  for (const a of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '100.64.0.1', '127.0.0.1', '169.254.1.1', '224.0.0.1', '0.1.2.3']) assert.not.ok(isPublic(cidr(a)), a);
  assert.ok(isPublic(cidr('2001:db8::1')));
  assert.not.ok(isPublic(cidr('fd00::1')));
  const space = new AddressSpace();
  const halves = space.pieces(4, [cidr('0.0.0.0/1'), cidr('128.0.0.0/1')], true);
  assert.ok(halves.some((p) => p.first === 0x80000000n), 'cut at 128.0.0.0');
  assert.ok(halves.every((p) => isPublic(p.host.addresses[0]!)));
  const office = space.pieces(4, [cidr('203.0.113.0/24')], true);
  const inside = office.filter((p) => p.first >= 0xcb007100n && p.last <= 0xcb0071ffn);
  assert.equal(inside.map((p) => [p.host.label, p.last - p.first + 1n]), [['203.0.113.0', 256n]]);
  assert.is(space.pieces(4, [cidr('203.0.113.0/24')], true), office, 'the same blocks are cut once');
  const all = space.pieces(6, [], false);
  assert.equal(all.map((p) => p.host.label), ['::']);
  assert.ok(space.pieces(6, [], true).every((p) => isPublic(p.host.addresses[0]!)));
});

const Lists = suite('audit rules and sensitive ports');

Lists('rule ids are unique FW8xx, names kebab-case; ports valid and named once', () => {
  const ids = ALL_RULES.map((r) => r.id);
  assert.is(new Set(ids).size, ids.length);
  for (const r of ALL_RULES) {
    assert.match(r.id, /^FW8\d\d$/);
    assert.match(r.name, /^[a-z]+(-[a-z]+)*$/);
    assert.is(lookupRule(r.name), r);
    assert.is(lookupRule(r.id.toLowerCase()), r);
  }
  const names = SENSITIVE_PORTS.map((p) => p.name);
  assert.is(new Set(names).size, names.length);
  for (const p of SENSITIVE_PORTS) assert.ok(p.from >= 1 && p.from <= p.to && p.to <= 65535, p.name);
  for (const must of ['ssh', 'rdp', 'docker', 'etcd', 'kubelet', 'kubernetes-api', 'mysql', 'postgres', 'redis', 'mongodb', 'memcached', 'elasticsearch']) assert.ok(names.includes(must), must);
});

const Github = suite('audit github format');

Github('workflow commands escape %, newlines, and `:` `,` in properties', () => {
  const f = makeFinding('guardrailBroken', 'p:x', {
    message: '100% open\nreally',
    resources: [],
    traffic: [],
    causes: [],
    location: { file: 'a,b:c.fw', line: 2, column: 3, endLine: 2, endColumn: 9 },
  });
  assert.is(
    renderGithub([f]).split('\n')[0],
    '::error file=a%2Cb%3Ac.fw,line=2,col=3,endLine=2,endColumn=9,title=FW822 guardrail-broken::100%25 open%0Areally%0Afix: ' +
      f.fix.replace(/%/g, '%25') +
      '%0Akey: FW822:p:x',
  );
  assert.is(renderGithub([{ ...f, accepted: { reason: 'ok', where: 'x:1' } }]), '');
});

Space.run();
Lists.run();
Github.run();
