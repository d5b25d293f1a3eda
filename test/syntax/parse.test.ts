// Parsing: the tree and its spans for each form of LANGUAGE.md, continuation lines and comments, and
// every syntax error of a file reported at its exact position.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RuleStmt, Statement } from '../../src/syntax/ast.js';
import { parse } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/source/sourceFile.js';

function statements(text: string): Statement[] {
  const r = parse(new SourceFile('t.fw', text));
  assert.equal(r.diagnostics.map((d) => d.message), []);
  return [...r.value.statements];
}

function textOf(source: string, span: { start: number; end: number }): string {
  return source.slice(span.start, span.end);
}

const Forms = suite('statement forms');
Forms('a rule with every part, spans pointing at the source', () => {
  const src = '  web, 10.0.0.0/8 may reach db on tcp 80-90, udp 53, 123 until 2026-12-31  # note\n';
  const [rule] = statements(src) as [RuleStmt];
  assert.is(rule.kind, 'Rule');
  assert.is(rule.effect, 'may');
  assert.is(textOf(src, rule.span), 'web, 10.0.0.0/8 may reach db on tcp 80-90, udp 53, 123 until 2026-12-31');
  assert.equal(rule.sources.map((e) => textOf(src, e.span)), ['web', '10.0.0.0/8']);
  assert.equal(rule.sources.map((e) => e.kind), ['Name', 'Address']);
  assert.equal(rule.services!.map((s) => s.kind), ['Protocol', 'Protocol', 'Port']);
  assert.equal(rule.services!.map((s) => textOf(src, s.span)), ['tcp 80-90', 'udp 53', '123']);
  assert.is(rule.until!.text, '2026-12-31');
  assert.is(textOf(src, rule.until!.span), '2026-12-31');
});
Forms('droplet sets, tag references, VPCs, endpoints as destinations, keywords as names', () => {
  const src = 'droplets old = "legacy-1",\n  12345\nold may reach tag "app", vpc "prod", load-balancer "lb", cluster "k", droplet 7 on https\ncluster, tag may reach database on ssh\n';
  const [d, r, k] = statements(src) as [Statement, RuleStmt, RuleStmt];
  assert.is(d.kind, 'DropletsDecl');
  if (d.kind !== 'DropletsDecl') return;
  assert.is(d.name.text, 'old');
  assert.equal(d.members.map((m) => [m.kind, m.text, textOf(src, m.span)]), [
    ['String', 'legacy-1', '"legacy-1"'],
    ['Number', '12345', '12345'],
  ]);
  assert.equal(r.dests.map((e) => e.kind), ['TagRef', 'Vpc', 'LoadBalancer', 'Cluster', 'Droplet']);
  assert.equal(r.dests.map((e) => textOf(src, e.span)), ['tag "app"', 'vpc "prod"', 'load-balancer "lb"', 'cluster "k"', 'droplet 7']);
  assert.equal(k.sources.map((e) => [e.kind, textOf(src, e.span)]), [
    ['Name', 'cluster'],
    ['Name', 'tag'],
  ]);
  assert.equal(k.dests.map((e) => [e.kind, textOf(src, e.span)]), [['Name', 'database']]);
});
Forms('must not, anyone, resources and databases', () => {
  const [a, b, c] = statements(
    'app must not reach anyone on smtp\nload-balancer "lb", cluster "k", droplet "d", droplet 12 may reach web on 8080\napp may reach database "main-db"\n',
  ) as RuleStmt[];
  assert.is(a!.effect, 'must-not');
  assert.is(a!.dests[0]!.kind, 'Anyone');
  assert.equal(b!.sources.map((e) => e.kind), ['LoadBalancer', 'Cluster', 'Droplet', 'Droplet']);
  assert.is(c!.dests[0]!.kind, 'Database');
  assert.is(c!.services, null);
});
Forms('declarations, egress and expectations', () => {
  const s = statements(
    'policy shop\ntags web, "on", env:prod\ngroup app = web, env:prod\naddresses office = 203.0.113.0/24, 2001:db8:10::/48\nservice metrics = tcp 9100, 9256\negress from app is restricted\nexpect office cannot reach web on ssh\n',
  );
  assert.equal(s.map((x) => x.kind), ['PolicyDecl', 'TagsDecl', 'GroupDecl', 'AddressesDecl', 'ServiceDecl', 'Egress', 'Expect']);
  const tags = s[1] as Extract<Statement, { kind: 'TagsDecl' }>;
  assert.equal(tags.names.map((n) => [n.text, n.quoted]), [['web', false], ['on', true], ['env:prod', false]]);
});
Forms('IPv6 forms are addresses; names with colons are names', () => {
  const [r] = statements('::1, fe80::1/64, ::ffff:192.0.2.1, 2001:db8:0:0:0:0:0:1, env:prod may reach web on 80\n') as RuleStmt[];
  assert.equal(r!.sources.map((e) => e.kind), ['Address', 'Address', 'Address', 'Address', 'Name']);
});
Forms('keywords need no space rules: names that start with a keyword are names', () => {
  const [r] = statements('online, mayday, tcp-proxy may reach allowed on tcp-svc\n') as RuleStmt[];
  assert.equal(r!.sources.map((e) => (e.kind === 'Name' ? e.text : e.kind)), ['online', 'mayday', 'tcp-proxy']);
  assert.is(r!.services![0]!.kind, 'ServiceRef');
});
Forms.run();

// ---

const Lines = suite('lines, continuations and comments');
Lines('a line that ends with a comma continues, across comments and blank lines', () => {
  const src = 'tags web,   # first\n  # a note\n\n  api,\n  db # last\nweb may reach db on 80\n';
  const s = statements(src);
  assert.is(s.length, 2);
  const tags = s[0] as Extract<Statement, { kind: 'TagsDecl' }>;
  assert.equal(tags.names.map((n) => n.text), ['web', 'api', 'db']);
  assert.is(textOf(src, s[1]!.span), 'web may reach db on 80');
});
Lines('a # inside quotes does not start a comment', () => {
  const r = parse(new SourceFile('t.fw', 'load-balancer "a#b" may reach web on 80\n'));
  const rule = r.value.statements[0] as RuleStmt;
  assert.is((rule.sources[0] as { name: { text: string } }).name.text, 'a#b');
  assert.is(r.value.comments.length, 0);
});
Lines('CRLF line endings parse like LF', () => {
  assert.is(statements('tags web,\r\n  db\r\nweb may reach db on 80\r\n').length, 2);
});
Lines.run();

// ---

const Errors = suite('syntax errors');
Errors('every broken statement is reported, and the good ones still parse', () => {
  const src = 'tags web, db\nweb may reach db on\nweb may reach db on http\nweb reach db on 80\ndb may reach web on 443\n';
  const r = parse(new SourceFile('t.fw', src));
  assert.equal(
    r.diagnostics.map((d) => [d.code.code, d.primary!.file.position(d.primary!.span.start)]),
    [
      ['FW100', { line: 2, column: 20 }],
      ['FW100', { line: 4, column: 5 }],
    ],
  );
  assert.is(r.value.statements.length, 3);
});
Errors('the found token is named and underlined', () => {
  const r = parse(new SourceFile('t.fw', 'egress from db is closed\n'));
  const d = r.diagnostics[0]!;
  assert.is(d.message, 'expected `open` or `restricted`, found `closed`');
  assert.equal(d.primary!.span, { start: 18, end: 24 });
});
Errors('an unterminated quote is an error, not a crash', () => {
  const r = parse(new SourceFile('t.fw', 'tags "web\nweb may reach db on 80\n'));
  assert.ok(r.diagnostics.length >= 1);
});
Errors('no input of any kind throws', () => {
  const inputs = ['', '\n\n', '#', ',', ',,,', '"', 'tags', 'may reach', '\u0000', '🙂 may reach web on 80', 'a'.repeat(10000), 'tags ' + 'a,'.repeat(2000)];
  for (const input of inputs) parse(new SourceFile('t.fw', input));
});
Errors.run();
