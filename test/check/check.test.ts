// What the checker resolves: services to protocol and port intervals (with LANGUAGE.md's protocol
// inheritance), groups to tags, endpoints to peers, expiry as of a date.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { check } from '../../src/check/check.js';
import type { Policy } from '../../src/check/policy.js';
import { parse } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/source/sourceFile.js';

function policy(text: string, asOf = '2026-11-24'): Policy {
  const r = check(parse(new SourceFile('shop.fw', text)).value, { asOf });
  assert.equal(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
  return r.value;
}

function services(text: string): string[] {
  const p = policy(`tags web, db\nservice metrics = tcp 9100, 9256\nweb may reach db on ${text}\n`);
  return p.grants[0]!.services.map((a) => (a.protocol === 'icmp' ? 'icmp' : `${a.protocol} ${a.from}-${a.to}`));
}

const Services = suite('services');
Services('a bare port takes the protocol of the nearest tcp/udp before it, else tcp', () => {
  assert.equal(services('udp 53, 123'), ['udp 53-53', 'udp 123-123']);
  assert.equal(services('80, 443'), ['tcp 80-80', 'tcp 443-443']);
  assert.equal(services('dns, 8080'), ['tcp 53-53', 'udp 53-53', 'tcp 8080-8080']);
  assert.equal(services('udp, 53'), ['udp 1-65535', 'udp 53-53']);
  assert.equal(services('udp 53, tcp 80, 81'), ['udp 53-53', 'tcp 80-80', 'tcp 81-81']);
  assert.equal(services('icmp, 22'), ['icmp', 'tcp 22-22']);
  assert.equal(services('metrics, 9000'), ['tcp 9100-9100', 'tcp 9256-9256', 'tcp 9000-9000']);
});
Services('all is every tcp port, every udp port and icmp', () => {
  assert.equal(services('all'), ['tcp 1-65535', 'udp 1-65535', 'icmp']);
});
Services('the built-in services', () => {
  assert.equal(services('ssh, http, https, ntp, smtp, rdp, mysql, postgres, redis, mongodb, kubernetes-api'), [
    'tcp 22-22', 'tcp 80-80', 'tcp 443-443', 'udp 123-123', 'tcp 25-25', 'tcp 3389-3389', 'tcp 3306-3306',
    'tcp 5432-5432', 'tcp 6379-6379', 'tcp 27017-27017', 'tcp 6443-6443',
  ]);
});
Services('services may contain services', () => {
  const p = policy('tags web, db\nservice a = tcp 1\nservice b = a, udp 2\nweb may reach db on b\n');
  assert.equal(p.grants[0]!.services.map((s) => s.protocol), ['tcp', 'udp']);
});
Services.run();

// ---

const Names = suite('names and endpoints');
Names('groups expand to their tags, through nested groups, without duplicates', () => {
  const p = policy('tags a, b, c\ngroup g1 = a, b\ngroup g2 = g1, b, c\ng2 may reach a on 80\n');
  assert.equal(p.grants[0]!.sources.map((s) => (s.kind === 'tag' ? s.tag : s.kind)), ['a', 'b', 'c']);
});
Names('anyone is 0.0.0.0/0 and ::/0', () => {
  const p = policy('tags web\nanyone may reach web on 80\n');
  const s = p.grants[0]!.sources[0]!;
  assert.is(s.kind, 'anyone');
  assert.equal(s.kind === 'anyone' ? s.cidrs.map((c) => c.text) : [], ['0.0.0.0/0', '::/0']);
});
Names('the policy is named after the file without `policy`', () => {
  assert.is(policy('tags web\n').name, 'shop');
  assert.is(policy('policy other\ntags web\n').name, 'other');
});
Names('quoted names may be keywords', () => {
  const p = policy('tags "on", web\n"on" may reach web on 80\n');
  assert.equal(p.tags.map((t) => t.name), ['on', 'web']);
});
Names('egress from a group restricts every tag in it', () => {
  const p = policy('tags a, b, c\ngroup g = a, b\negress from g is restricted\n');
  assert.equal([...p.restrictedEgress].sort(), ['a', 'b']);
});
Names('tag "NAME" of a tag the policy governs is that tag, in any case: the pair has a governed side', () => {
  const p = policy('tags Web, db\ntag "WEB" may reach anyone on https\ntag "web" may reach db on postgres\n');
  assert.equal(p.grants[0]!.sources.map((e) => [e.kind, 'tag' in e ? e.tag : '']), [['tag', 'Web']]);
  assert.equal(p.grants[1]!.sources.map((e) => [e.kind, 'tag' in e ? e.tag : '']), [['tag', 'Web']]);
});
Names.run();

// ---

const Expiry = suite('expiry');
Expiry('a grant holds through its date and expires the day after', () => {
  const text = 'tags web, db\nweb may reach db on 80 until 2026-12-31\n';
  assert.is(policy(text, '2026-12-31').grants[0]!.expired, false);
  assert.is(policy(text, '2027-01-01').grants[0]!.expired, true);
});
Expiry.run();
