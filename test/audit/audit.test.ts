// fwc audit against emulated accounts with planted exposures and near-misses that are not exposures,
// checked finding by finding (keys, levels, traffic per address family, causing rules); the policy
// findings with their file and line; the suppression file; exit codes; and every output format — SARIF
// validated against the SARIF 2.1.0 JSON schema (from the npm package @microsoft/jest-sarif).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Emulator, SeedData } from '../../src/emulator/index.js';
import { ALL_RULES } from '../../src/audit/rules.js';
import { runCli } from '../helpers/cli.js';
import { TOKEN, assertNoContractViolations, startTestEmulator } from '../helpers/emulator.js';

const DIR = mkdtempSync(join(tmpdir(), 'fwc-audit-'));
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }));
let count = 0;
function workspace(files: Record<string, string>): string {
  const dir = join(DIR, String(count++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const CLUSTER = '0c1a0000-0000-4000-8000-0000000000aa';
const OLD_LB = '0b0e0000-0000-4000-8000-0000000000bb';
const ANY = { addresses: ['0.0.0.0/0', '::/0'] };
const DNS_OUT = { protocol: 'udp', ports: '53', destinations: ANY };

/** Planted exposures and near-misses; the comment on each says what the audit must (not) find. */
const PLANTED: SeedData = {
  tags: ['nobody', 'ghost'],
  droplets: [
    { id: 1, name: 'open-1', public_ipv4: '203.0.113.1' }, // no firewall: FW801
    { id: 2, name: 'web-1', tags: ['web'], public_ipv4: '203.0.113.2' }, // ssh/ftp/telnet via a range over split blocks: FW802
    { id: 3, name: 'guarded-1', tags: ['guarded'], public_ipv4: '203.0.113.3' }, // deny covers ssh; redis half denied: nothing
    { id: 4, name: 'udp-1', tags: ['udp22'], public_ipv4: '203.0.113.4' }, // udp 22 only: no FW802; no DNS out: FW808
    { id: 5, name: 'v6-1', tags: ['v6'], public_ipv6: '2001:db8::5' }, // postgres to ::/0 only: FW802, IPv6 only
    { id: 6, name: 'all-1', tags: ['allports'], public_ipv4: '203.0.113.6' }, // tcp all: FW803; udp 1000-5000: FW804
    { id: 7, name: 'node-1', public_ipv4: '203.0.113.7' }, // cluster nodes, node ports open: FW807
    { id: 8, name: 'node-2', public_ipv4: '203.0.113.8' },
    { id: 9, name: 'office-1', tags: ['office'], public_ipv4: '203.0.113.9' }, // ssh from an office block: nothing
    { id: 20, name: 'doomed-1', public_ipv4: '203.0.113.20' }, // deleted after seeding
  ],
  load_balancers: [{ id: OLD_LB, name: 'old-lb', ip: '198.51.100.9' }], // deleted after seeding
  kubernetes_clusters: [{ id: CLUSTER, name: 'k1', node_droplet_ids: [7, 8] }],
  databases: [
    { name: 'db-open', trusted_sources: [] }, // FW805
    { name: 'db-world', trusted_sources: [{ type: 'ip_addr', value: '0.0.0.0/1' }, { type: 'ip_addr', value: '128.0.0.0/1' }] }, // FW806
    { name: 'db-ok', trusted_sources: [{ type: 'tag', value: 'web' }, { type: 'ip_addr', value: '0.0.0.0/2' }] }, // nothing
  ],
  firewalls: [
    {
      name: 'web-a',
      tags: ['web'],
      inbound_rules: [
        { protocol: 'tcp', ports: '443', sources: ANY },
        { protocol: 'tcp', ports: '8080', sources: { tags: ['ghost'] } }, // FW810
      ],
      outbound_rules: [DNS_OUT, { protocol: 'tcp', ports: '0', destinations: ANY }],
    },
    // Two firewalls together: the range 20-30 from two halves of the IPv4 space.
    { name: 'web-b', tags: ['web'], inbound_rules: [{ protocol: 'tcp', ports: '20-30', sources: { addresses: ['0.0.0.0/1', '128.0.0.0/1'] } }] },
    {
      name: 'guarded-fw',
      tags: ['guarded'],
      inbound_rules: [
        { protocol: 'tcp', ports: '22', sources: ANY },
        { protocol: 'tcp', ports: '22', action: 'deny', sources: ANY },
        { protocol: 'tcp', ports: '6379', sources: { addresses: ['0.0.0.0/0'] } },
        { protocol: 'tcp', ports: '6379', action: 'deny', sources: { addresses: ['0.0.0.0/1'] } },
      ],
      outbound_rules: [{ protocol: 'udp', ports: '53', destinations: { addresses: ['10.0.0.2'] } }], // a private resolver: not closed
    },
    { name: 'udp-fw', tags: ['udp22'], inbound_rules: [{ protocol: 'udp', ports: '22', sources: ANY }], outbound_rules: [{ protocol: 'tcp', ports: '443', destinations: ANY }] },
    { name: 'v6-fw', tags: ['v6'], inbound_rules: [{ protocol: 'tcp', ports: '5432', sources: { addresses: ['::/0'] } }], outbound_rules: [DNS_OUT] },
    {
      name: 'all-fw',
      tags: ['allports'],
      inbound_rules: [
        { protocol: 'tcp', ports: 'all', sources: { addresses: ['0.0.0.0/0'] } },
        { protocol: 'udp', ports: '1000-5000', sources: { addresses: ['0.0.0.0/0'] } },
      ],
      outbound_rules: [DNS_OUT],
    },
    { name: 'k8s-worker', tags: [`k8s:${CLUSTER}`], inbound_rules: [{ protocol: 'tcp', ports: '30000-32767', sources: { addresses: ['0.0.0.0/0'] } }], outbound_rules: [DNS_OUT] },
    { name: 'office-fw', tags: ['office'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.0/24'] } }], outbound_rules: [DNS_OUT] },
    // Attached to nothing, though its rule opens ssh to the world: FW809 only, never FW802.
    { name: 'orphan', tags: ['nobody'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: ANY }], outbound_rules: [DNS_OUT] },
    { name: 'doomed-fw', droplet_ids: [20], inbound_rules: [{ protocol: 'tcp', ports: '80', sources: { load_balancer_uids: [OLD_LB] } }], outbound_rules: [DNS_OUT] },
  ],
};

interface JsonFinding {
  key: string;
  rule: string;
  level: string;
  message: string;
  traffic: { protocol: string; ports: string; from: string; family?: number }[];
  causes: { firewall: string; rule: string; managed?: boolean }[];
  resources: { kind: string; name: string; id?: string }[];
  location?: { file: string; line: number; column: number };
  accepted?: { reason: string };
  acceptanceExpired?: { reason: string };
}

async function withAccount<T>(seed: SeedData, work: (em: Emulator, env: Record<string, string>) => Promise<T>, after?: (em: Emulator) => void): Promise<T> {
  const em = await startTestEmulator({ seed });
  after?.(em);
  try {
    return await work(em, { DIGITALOCEAN_TOKEN: TOKEN });
  } finally {
    assertNoContractViolations(em);
    await em.stop();
  }
}

const deleteDoomed = (em: Emulator) =>
  em.change((s) => {
    s.droplets = s.droplets.filter((d) => d.id !== 20);
    s.load_balancers = s.load_balancers.filter((l) => l.id !== OLD_LB);
  });

async function auditJson(em: Emulator, env: Record<string, string>, extra: string[] = [], cwd?: string) {
  const r = await runCli(['audit', '--api-url', em.url, '--format', 'json', ...extra], { env, ...(cwd ? { cwd } : {}) });
  return { ...r, doc: r.stdout ? (JSON.parse(r.stdout) as { version: number; summary: Record<string, number>; findings: JsonFinding[] }) : null };
}

const Planted = suite('fwc audit: planted exposures and near-misses');

Planted('reports exactly the planted findings, each with its traffic and causes', async () => {
  await withAccount(
    PLANTED,
    async (em, env) => {
      const { code, doc, stderr } = await auditJson(em, env, ['--fail-on', 'none']);
      assert.is(code, 0, stderr);
      assert.is(doc!.version, 1);
      const keys = doc!.findings.map((f) => f.key);
      assert.equal(keys, [
        'FW801:untagged',
        'FW802:v6:postgres',
        'FW802:web:ftp',
        'FW802:web:ssh',
        'FW802:web:telnet',
        'FW803:allports:tcp',
        'FW805:db-open',
        'FW806:db-world',
        'FW804:allports',
        `FW807:k8s:${CLUSTER}`,
        'FW808:udp22',
        'FW809:doomed-fw',
        'FW809:orphan',
        'FW811:doomed-fw:droplet:20',
        `FW811:doomed-fw:load-balancer:${OLD_LB}`,
        'FW810:web-a:ghost',
      ]);
      const by = new Map(doc!.findings.map((f) => [f.key, f]));
      const open = by.get('FW801:untagged')!;
      assert.is(open.level, 'error');
      assert.equal(open.resources, [{ kind: 'droplet', name: 'open-1', id: '1' }]);
      // ssh: through a range (20-30) and two halves of the IPv4 space, over two firewalls; IPv4 only.
      const ssh = by.get('FW802:web:ssh')!;
      assert.equal(ssh.traffic, [{ protocol: 'tcp', ports: '22', from: 'internet (IPv4)', family: 4 }]);
      assert.equal(ssh.causes.map((c) => `${c.firewall}: ${c.rule}`), ['web-b: inbound tcp 20-30 from 0.0.0.0/1', 'web-b: inbound tcp 20-30 from 128.0.0.0/1']);
      assert.ok(ssh.resources.some((r) => r.kind === 'firewall' && r.name === 'web-a'), 'both firewalls on the droplets are named');
      // An IPv6-only opening is reported as IPv6, and only as IPv6.
      const v6 = by.get('FW802:v6:postgres')!;
      assert.equal(v6.traffic, [{ protocol: 'tcp', ports: '5432', from: 'internet (IPv6)', family: 6 }]);
      assert.equal(v6.causes.map((c) => c.rule), ['inbound tcp 5432 from ::/0']);
      // All tcp ports: one FW803, and no FW802 for the sensitive tcp ports it already covers.
      assert.equal(by.get('FW803:allports:tcp')!.traffic, [{ protocol: 'tcp', ports: 'all', from: 'internet (IPv4)', family: 4 }]);
      assert.equal(by.get('FW804:allports')!.traffic, [{ protocol: 'udp', ports: '1000-5000', from: 'internet (IPv4)', family: 4 }]);
      assert.equal(by.get(`FW807:k8s:${CLUSTER}`)!.traffic, [{ protocol: 'tcp', ports: '30000-32767', from: 'internet (IPv4)', family: 4 }]);
      assert.equal(
        by.get(`FW807:k8s:${CLUSTER}`)!.resources.filter((r) => r.kind === 'droplet').map((r) => r.name),
        ['node-1', 'node-2'],
      );
      assert.match(by.get('FW809:orphan')!.message, 'tag nobody');
      assert.match(by.get('FW811:doomed-fw:droplet:20')!.message, 'applies to it');
      assert.match(by.get(`FW811:doomed-fw:load-balancer:${OLD_LB}`)!.message, 'inbound rule');
      // Near-misses: nothing about them at all.
      for (const f of doc!.findings) {
        for (const name of ['guarded', 'office', 'orphan:', 'db-ok']) assert.not.ok(f.key.includes(`:${name}`) && !f.key.startsWith('FW809'), `${f.key} is not an exposure`);
        assert.not.ok(f.key.startsWith('FW802:udp22'), 'udp 22 is not ssh');
      }
      assert.equal(doc!.summary.errors, 8);
      assert.equal(doc!.summary.warnings, 7);
      assert.equal(doc!.summary.notes, 1);
    },
    deleteDoomed,
  );
});

Planted('findings are stable run to run, whatever order the API answers in', async () => {
  await withAccount(
    PLANTED,
    async (em, env) => {
      const a = await runCli(['audit', '--api-url', em.url, '--format', 'json'], { env });
      const b = await runCli(['audit', '--api-url', em.url, '--format', 'json'], { env });
      assert.is(a.stdout, b.stdout);
    },
    deleteDoomed,
  );
});

Planted('a deny rule that covers, and a block that is not the internet, are not exposures (regression guard)', async () => {
  // The same account without the deny rules: the near-misses become findings, so the test above can fail.
  const seed: SeedData = {
    ...PLANTED,
    firewalls: PLANTED.firewalls!.map((f) => (f.name === 'guarded-fw' ? { ...f, inbound_rules: (f.inbound_rules as { action?: string }[]).filter((r) => r.action !== 'deny') } : f)),
  };
  await withAccount(seed, async (em, env) => {
    const { doc } = await auditJson(em, env, ['--fail-on', 'none']);
    const keys = doc!.findings.map((f) => f.key);
    assert.ok(keys.includes('FW802:guarded:ssh'));
    assert.ok(keys.includes('FW802:guarded:redis'));
    const ssh = doc!.findings.find((f) => f.key === 'FW802:guarded:ssh')!;
    assert.equal(ssh.traffic.map((t) => t.family), [4, 6]);
  });
});

// ---

const Exit = suite('fwc audit: exit codes, levels and suppressions');

Exit('exit 1 on an error finding by default, 0 with --fail-on none, 2 on usage errors', async () => {
  await withAccount(PLANTED, async (em, env) => {
    assert.is((await runCli(['audit', '--api-url', em.url], { env })).code, 1);
    assert.is((await runCli(['audit', '--api-url', em.url, '--fail-on', 'none'], { env })).code, 0);
    const bad = await runCli(['audit', '--api-url', em.url, '--fail-on', 'fatal'], { env });
    assert.is(bad.code, 2);
    assert.match(bad.stderr, '--fail-on must be one of error, warning, note, none');
    assert.is((await runCli(['audit', '--api-url', em.url, '--wide-range', 'x'], { env })).code, 2);
    assert.is((await runCli(['audit', 'policies'], { env })).code, 2);
    const noToken = await runCli(['audit', '--api-url', em.url], { env: {} });
    assert.is(noToken.code, 1);
    assert.not.match(noToken.stderr, 'internal error');
  });
  // Only warnings: exit 0 by default, 1 with --fail-on warning.
  const quiet: SeedData = { droplets: [{ id: 1, name: 'a', tags: ['a'] }], firewalls: [{ name: 'a-fw', tags: ['a'], inbound_rules: [{ protocol: 'tcp', ports: '443', sources: ANY }], outbound_rules: [{ protocol: 'tcp', ports: '443', destinations: ANY }] }] };
  await withAccount(quiet, async (em, env) => {
    const r = await runCli(['audit', '--api-url', em.url], { env });
    assert.is(r.code, 0, r.stdout);
    assert.match(r.stdout, 'warning[FW808] dns-egress-closed');
    assert.is((await runCli(['audit', '--api-url', em.url, '--fail-on', 'warning'], { env })).code, 1);
    const min = await runCli(['audit', '--api-url', em.url, '--min-level', 'error'], { env });
    assert.not.match(min.stdout, 'FW808');
    assert.match(min.stdout, 'audit: 0 errors, 0 warnings, 0 notes');
  });
});

Exit('an accepted finding neither fails nor shows; an expired acceptance is reported again', async () => {
  const only: SeedData = { droplets: [{ id: 1, name: 'bastion-1', tags: ['bastion'] }], firewalls: [{ name: 'bastion-fw', tags: ['bastion'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: ANY }], outbound_rules: [DNS_OUT] }] };
  await withAccount(only, async (em, env) => {
    const cwd = workspace({ '.fwc-audit.yaml': 'version: 1\naccept:\n  - finding: "FW802:bastion:*"\n    reason: key-only ssh, reviewed\n    until: 2027-01-31\n' });
    const ok = await runCli(['audit', '--api-url', em.url, '--as-of', '2026-12-01'], { env, cwd });
    assert.is(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, 'Accepted (1)');
    assert.match(ok.stdout, 'FW802:bastion:ssh: key-only ssh, reviewed (until 2027-01-31) [.fwc-audit.yaml:3]');
    assert.match(ok.stdout, '(1 accepted)');
    const late = await auditJson(em, env, ['--as-of', '2027-02-01'], cwd);
    assert.is(late.code, 1);
    const f = late.doc!.findings.find((x) => x.key === 'FW802:bastion:ssh')!;
    assert.is(f.accepted, undefined);
    assert.is(f.acceptanceExpired!.reason, 'key-only ssh, reviewed');
    const text = await runCli(['audit', '--api-url', em.url, '--as-of', '2027-02-01'], { env, cwd });
    assert.match(text.stdout, 'accepted until 2027-01-31 (.fwc-audit.yaml:3: key-only ssh, reviewed); that date has passed');
    // An acceptance that matches nothing is pointed out.
    const other = workspace({ 'accept.yaml': 'version: 1\naccept:\n  - { finding: "FW801:web", reason: gone }\n' });
    const unused = await runCli(['audit', '--api-url', em.url, '--suppressions', 'accept.yaml'], { env, cwd: other });
    assert.match(unused.stderr, 'warning: accept.yaml:3: `FW801:web` accepts no finding');
  });
});

Exit('a broken suppression file is a clear error with its line, never a stack trace', async () => {
  await withAccount({}, async (em, env) => {
    for (const [text, message] of [
      ['version: 1\naccept:\n  - finding: FW802:web:ssh\n', '.fwc-audit.yaml:3: `reason` is required'],
      ['version: 1\naccept:\n  - finding: FW802:web:ssh\n    reason: x\n    until: 2027-02-30\n', '`until` takes a date like 2027-03-31'],
      ['accept: []\n', '`version: 1` is required'],
      ['version: 1\naccept: [\n', 'not valid YAML'],
    ] as const) {
      const cwd = workspace({ '.fwc-audit.yaml': text });
      const r = await runCli(['audit', '--api-url', em.url], { env, cwd });
      assert.is(r.code, 1, text);
      assert.match(r.stderr, message);
      assert.not.match(r.stderr, 'internal error');
    }
    const missing = await runCli(['audit', '--api-url', em.url, '--suppressions', 'nope.yaml'], { env, cwd: workspace({}) });
    assert.is(missing.code, 1);
    assert.match(missing.stderr, 'cannot read the suppression file nope.yaml');
  });
});

// ---

const Policy = suite('fwc audit --policy: drift, expired grants, `must not`');

const SHOP = 'policy shop\ntags web, db\nanyone may reach web on https\nweb may reach db on postgres until 2026-06-30\nweb must not reach db on ssh\nanyone must not reach db on redis\n';

Policy('each finding points at its statement; a guardrail that holds is not reported', async () => {
  const cwd = workspace({ 'shop.fw': SHOP });
  const compiled = await runCli(['compile', 'shop.fw', '--format', 'json', '--as-of', '2026-01-01'], { cwd });
  assert.is(compiled.code, 0, compiled.stderr);
  type Body = { name: string; inbound_rules: { protocol: string; ports?: string; action?: string }[] };
  const applied = (JSON.parse(compiled.stdout) as { firewalls: Body[] }).firewalls.map((fw) =>
    // The db firewall as an older version of the policy left it: without the ssh guardrail's deny.
    fw.name === 'fwc-shop-db' ? { ...fw, inbound_rules: fw.inbound_rules.filter((r) => !(r.action === 'deny' && r.ports === '22')) } : fw,
  );
  const seed: SeedData = {
    droplets: [
      { id: 1, name: 'web-1', tags: ['web'], private_ipv4: '10.0.0.1' },
      { id: 2, name: 'db-1', tags: ['db'], private_ipv4: '10.0.0.2' },
    ],
    firewalls: [
      ...(applied as SeedData['firewalls'])!,
      { name: 'hand-ssh', tags: ['db'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { tags: ['web'] } }] },
      { name: 'hand-redis', tags: ['db'], inbound_rules: [{ protocol: 'tcp', ports: '6379', sources: ANY }] },
    ],
  };
  await withAccount(seed, async (em, env) => {
    const { doc, stderr } = await auditJson(em, env, ['--policy', 'shop.fw', '--as-of', '2026-12-01', '--fail-on', 'none'], cwd);
    assert.ok(doc, stderr);
    const policyFindings = doc!.findings.filter((f) => f.rule >= 'FW820');
    assert.equal(policyFindings.map((f) => f.key), ['FW820:fwc-shop-db', 'FW821:shop:web may reach db on postgres until 2026-06-30', 'FW822:shop:web must not reach db on ssh']);
    const [drift, expired, guard] = policyFindings as [JsonFinding, JsonFinding, JsonFinding];
    assert.match(drift.message, '1 rules missing, 1 rules the policy does not have');
    assert.equal(drift.location, { file: 'shop.fw', line: 5, column: 1, endLine: 5, endColumn: 29 });
    assert.equal([expired.location!.line, expired.location!.column], [4, 1]);
    assert.match(expired.message, '`web may reach db on postgres until 2026-06-30` expired on 2026-06-30');
    // Both sides of the flow: the receiver's inbound rule and the sender's outbound rule.
    assert.equal(expired.causes.map((c) => `${c.firewall}: ${c.rule} (${c.managed ? 'managed' : 'unmanaged'})`), [
      'fwc-shop-db: inbound tcp 5432 from tag:web (managed)',
      'fwc-shop-web: outbound tcp all to 0.0.0.0/0 (managed)',
    ]);
    assert.equal(guard.location!.line, 5);
    assert.match(guard.message, 'opened by hand-ssh (not managed by fwc)');
    assert.equal(guard.traffic.map((t) => `${t.protocol} ${t.ports}`), ['tcp 22']);
    // `anyone must not reach db on redis` holds (the managed deny wins over hand-redis): no FW822, no FW802.
    assert.not.ok(doc!.findings.some((f) => f.key.includes('redis') || f.key.startsWith('FW822:shop:anyone')));
    // GitHub annotations and SARIF regions on the statement.
    const gh = await runCli(['audit', '--api-url', em.url, '--policy', 'shop.fw', '--as-of', '2026-12-01', '--format', 'github'], { env, cwd });
    assert.match(gh.stdout, /^::error file=shop\.fw,line=5,col=1,endLine=5,endColumn=29,title=FW822 guardrail-broken::`web must not reach db on ssh` is broken/m);
    assert.is(gh.code, 1);
  });
});

// ---

const Formats = suite('fwc audit: output formats');

/**
 * The SARIF 2.1.0 JSON schema (OASIS; the 2.1.0-rtm.5 publication, as SchemaStore serves it), from the
 * npm package @microsoft/jest-sarif (MIT), a development dependency kept for this file alone. It is
 * draft-04; ajv 8 speaks draft-07, which reads it the same once `id` is `$id`.
 */
function sarifValidator() {
  const path = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const { id, $schema: _draft04, ...rest } = schema;
  // Patterns without the u flag: this publication has one (language tags) that only non-unicode mode reads.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', { validate: (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s) });
  ajv.addFormat('uri-reference', { validate: (s: string) => URL.canParse(s, 'file:///') });
  ajv.addFormat('date-time', { validate: (s: string) => !Number.isNaN(Date.parse(s)) });
  return ajv.compile({ ...rest, $id: id as string });
}

Formats('SARIF validates against the SARIF 2.1.0 schema: rules, results, locations, suppressions', async () => {
  const validate = sarifValidator();
  // The validator is not vacuous: a log without `version` fails.
  assert.not.ok(validate({ runs: [] }));
  const cwd = workspace({ 'shop.fw': SHOP, '.fwc-audit.yaml': 'version: 1\naccept:\n  - { finding: "FW801:*", reason: "a test droplet" }\n' });
  await withAccount(
    PLANTED,
    async (em, env) => {
      for (const extra of [[], ['--policy', 'shop.fw']]) {
        const r = await runCli(['audit', '--api-url', em.url, '--format', 'sarif', '--as-of', '2026-12-01', ...extra], { env, cwd });
        assert.ok(r.stdout, r.stderr);
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a SARIF log, checked by the schema just below
        const log: any = JSON.parse(r.stdout);
        const ok = validate(structuredClone(log));
        assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
        assert.is(log.version, '2.1.0');
        assert.is(log.runs.length, 1);
        const driver = log.runs[0].tool.driver;
        assert.is(driver.name, 'fwc');
        assert.equal(driver.rules.map((x: { id: string }) => x.id), ALL_RULES.map((x) => x.id));
        for (const rule of driver.rules) for (const k of ['shortDescription', 'fullDescription', 'help', 'defaultConfiguration']) assert.ok(rule[k], `${rule.id} has ${k}`);
        const results = log.runs[0].results as { ruleId: string; locations?: { physicalLocation?: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[]; suppressions?: { justification: string }[]; partialFingerprints: Record<string, string> }[];
        const ssh = results.find((x) => x.partialFingerprints['fwcFindingKey/v1'] === 'FW802:web:ssh')!;
        assert.ok(ssh.locations![0]!.logicalLocations!.some((l) => l.fullyQualifiedName === 'droplet/2'));
        assert.equal(results.find((x) => x.ruleId === 'FW801')!.suppressions!.map((s) => s.justification), ['a test droplet']);
        if (extra.length > 0) {
          // Account findings are anchored on the first policy file for code scanning.
          assert.is(ssh.locations![0]!.physicalLocation!.artifactLocation.uri, 'shop.fw');
          const drift = results.find((x) => x.ruleId === 'FW820')!;
          assert.ok([3, 4, 5, 6].includes(drift.locations![0]!.physicalLocation!.region.startLine));
        } else assert.is(ssh.locations![0]!.physicalLocation, undefined);
      }
      // Without a policy, --anchor gives account findings the file code scanning needs.
      const anchored = JSON.parse((await runCli(['audit', '--api-url', em.url, '--format', 'sarif', '--anchor', '.fwc-audit.yaml'], { env, cwd })).stdout) as {
        runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      assert.ok(validate(structuredClone(anchored)));
      for (const result of anchored.runs[0]!.results) {
        assert.is(result.locations[0]!.physicalLocation.artifactLocation.uri, '.fwc-audit.yaml');
      }
    },
    deleteDoomed,
  );
});

Formats('text is grouped by level with a summary line; markdown and github carry the same findings', async () => {
  await withAccount(
    PLANTED,
    async (em, env) => {
      const text = (await runCli(['audit', '--api-url', em.url], { env })).stdout;
      const errors = text.indexOf('Errors (8)');
      const warnings = text.indexOf('Warnings (7)');
      const notes = text.indexOf('Notes (1)');
      assert.ok(errors >= 0 && errors < warnings && warnings < notes, text);
      assert.match(text, '  caused by: web-b: inbound tcp 20-30 from 0.0.0.0/1');
      assert.match(text, /\naudit: 8 errors, 7 warnings, 1 note in 9 droplets, 10 firewalls, 3 databases\n$/);
      const md = (await runCli(['audit', '--api-url', em.url, '--format', 'markdown'], { env })).stdout;
      assert.match(md, '## fwc audit');
      assert.match(md, '| 8 | 7 | 1 | 0 |');
      assert.match(md, '- **FW802** sensitive-port-exposed: ssh (tcp 22) on droplet tagged web');
      const gh = (await runCli(['audit', '--api-url', em.url, '--format', 'github'], { env })).stdout.trim().split('\n');
      assert.is(gh.length, 16);
      assert.ok(gh.every((l) => /^::(error|warning|notice) title=FW8\d\d [a-z-]+::/.test(l)), gh.join('\n'));
      assert.ok(gh.every((l) => !l.slice(2).includes('\n')));
      assert.match(gh.find((l) => l.includes('FW802:web:ssh'))!, '%0Atraffic: tcp 22 from internet (IPv4)%0A');
    },
    deleteDoomed,
  );
});

Formats('fwc explain knows the audit rules', async () => {
  const r = await runCli(['explain', 'FW802']);
  assert.is(r.code, 0);
  assert.match(r.stdout, /^FW802 \(sensitive-port-exposed, error, fwc audit\): a sensitive port is open to the whole internet/);
  assert.match((await runCli(['explain', 'node-ports-exposed'])).stdout, /^FW807 /);
  const list = (await runCli(['explain'])).stdout;
  for (const rule of ALL_RULES) assert.match(list, `${rule.id}  ${rule.level.padEnd(7)}  ${rule.name}`);
  assert.match(list, 'FW201  error');
});

Planted.run();
Exit.run();
Policy.run();
Formats.run();
