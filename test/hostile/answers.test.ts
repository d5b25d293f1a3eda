// Hostile API answers (issue 16): a misbehaving proxy in front of the emulator answers with HTML,
// cut-off JSON, `null`, wrong shapes, `null` entries, redirects, endless pages and answers that never
// come. Every one must stop the command with a clear message (exit 1, never 70) and change nothing —
// never read as "no firewalls" or "no droplets".
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Emulator } from '../../src/emulator/index.js';
import { BIN, ROOT, runCli, type CliResult } from '../helpers/cli.js';
import { assertNoContractViolations, startTestEmulator, TOKEN } from '../helpers/emulator.js';
import { json, on, startHostileProxy, type HostileProxy, type Rule } from '../helpers/hostileProxy.js';

const AS_OF = '2026-11-24';
const SEED = join(ROOT, 'examples/demo-account.yaml');
const POLICY = readFileSync(join(ROOT, 'policies/shop.fw'), 'utf8');

interface World {
  em: Emulator;
  proxy: HostileProxy;
  dir: string;
}
const worlds: World[] = [];

/** The emulator with the shop policy applied (so a plan shows no changes), and a proxy in front. */
async function world(): Promise<World> {
  const em = await startTestEmulator({ seed: SEED });
  const proxy = await startHostileProxy(em.url);
  const dir = mkdtempSync(join(tmpdir(), 'fwc-hostile-'));
  writeFileSync(join(dir, 'shop.fw'), POLICY);
  const w = { em, proxy, dir };
  worlds.push(w);
  const r = await fwc(w, ['apply', 'shop.fw', '--auto-approve', '--allow-lockout']);
  assert.is(r.code, 0, r.stderr);
  return w;
}

const env = (url: string, extra: Record<string, string> = {}) => ({
  DIGITALOCEAN_TOKEN: TOKEN,
  DIGITALOCEAN_API_URL: url,
  FWC_QUIET: '1',
  DIGITALOCEAN_HTTP_RETRY_WAIT_MIN: '0.005',
  DIGITALOCEAN_HTTP_RETRY_WAIT_MAX: '0.01',
  ...extra,
});

function fwc(w: World, args: string[], extra: Record<string, string> = {}, viaProxy = false): Promise<CliResult> {
  return runCli([...args, '--as-of', AS_OF], { cwd: w.dir, env: env(viaProxy ? w.proxy.url : w.em.url, extra) });
}

const mutations = (w: World) => w.em.requests().filter((r) => r.method !== 'GET').length;

/** Runs `args` through the proxy with `rule`; asserts a clear refusal (exit 1, no stack trace) and no change. */
async function refused(w: World, rule: Rule, args: string[], message: RegExp, extra: Record<string, string> = {}): Promise<CliResult> {
  const before = mutations(w);
  w.proxy.setRule(rule);
  const r = await fwc(w, args, extra, true);
  w.proxy.setRule(null);
  assert.is(r.code, 1, `exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stderr, message);
  assert.not.match(r.stderr, /internal error|at .*\.(c?js|ts):\d+/);
  assert.not.match(r.stdout, /to add|will be created/);
  assert.is(mutations(w), before, 'a refused command changed the account');
  return r;
}

const Broken = suite('broken answers stop the command');
Broken.after.each(async () => {
  for (const w of worlds.splice(0)) {
    await w.proxy.stop();
    assertNoContractViolations(w.em, { probes: true });
    await w.em.stop();
  }
});

Broken('a 200 with an HTML page from /v2/firewalls is not "no firewalls"', async () => {
  const w = await world();
  await refused(w, on('GET', '/v2/firewalls', { reply: 200, body: '<html><body>Sign in to the Wi-Fi</body></html>', headers: { 'content-type': 'text/html' } }), ['plan', 'shop.fw'], /list firewalls: the answer .* is not what the DigitalOcean API sends: not JSON \(an HTML or XML page\)/);
});
Broken('truncated JSON from /v2/firewalls', async () => {
  const w = await world();
  await refused(w, on('GET', '/v2/firewalls', { reply: 200, body: '{"firewalls":[{"id":"x","name":"fwc-shop-web"', headers: { 'content-type': 'application/json' } }), ['plan', 'shop.fw'], /not JSON \(cut off or malformed/);
});
Broken('`null` from /v2/firewalls', async () => {
  const w = await world();
  await refused(w, on('GET', '/v2/firewalls', json(null)), ['plan', 'shop.fw'], /list firewalls: .*the body: must be object/);
});
Broken('a list of the wrong shape, or without its key', async () => {
  const w = await world();
  await refused(w, on('GET', '/v2/firewalls', json({ firewalls: 'none', meta: { total: 0 } })), ['plan', 'shop.fw'], /at \/firewalls: must be array/);
  await refused(w, on('GET', '/v2/firewalls', json({ meta: { total: 0 } })), ['plan', 'shop.fw'], /has no `firewalls` list/);
  await refused(w, on('GET', '/v2/tags', json({ tags: [{}], meta: { total: 1 } })), ['plan', 'shop.fw'], /list tags: .*item 0 of the list has no `name`/);
});
Broken('an answer larger than any the API sends is refused, whether its length is declared or streamed', async () => {
  const w = await world();
  const huge = `{"firewalls":[${'"x",'.repeat(9_000_000)}"x"]}`;
  await refused(w, on('GET', '/v2/firewalls', { reply: 200, body: huge, headers: { 'content-type': 'application/json' } }), ['plan', 'shop.fw'], /list firewalls: .*larger than 32 MB/);
  await refused(w, on('GET', '/v2/firewalls', { reply: 200, body: huge, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }), ['plan', 'shop.fw'], /list firewalls: .*larger than 32 MB/);
});
Broken('`null` from /v2/droplets does not switch the lockout guard off: apply stops before any change', async () => {
  const w = await world();
  // Without ops-ssh's rule the lockout guard would refuse; a broken droplet list must not hide that.
  await refused(w, on('GET', '/v2/droplets', json(null)), ['apply', 'shop.fw', '--auto-approve'], /list droplets: .*must be object/);
  await refused(w, on('GET', '/v2/droplets', { reply: 200, body: '' }), ['apply', 'shop.fw', '--auto-approve'], /list droplets: .*must be object/);
});
Broken('`null` entries in lists and rules are clear errors, not stack traces', async () => {
  const w = await world();
  await refused(w, on('GET', '/v2/firewalls', { rewrite: (b) => ({ ...b, firewalls: [null, ...b.firewalls] }) }), ['plan', 'shop.fw'], /at \/firewalls\/0: must be object/);
  await refused(w, on('GET', '/v2/firewalls', { rewrite: (b) => ({ ...b, firewalls: b.firewalls.map((f: any) => ({ ...f, inbound_rules: [null] })) }) }), ['plan', 'shop.fw'], /inbound_rules\/0: must be object/);
  await refused(w, on('GET', '/v2/firewalls', { rewrite: (b) => ({ ...b, firewalls: b.firewalls.map((f: any) => ({ ...f, inbound_rules: f.inbound_rules.map((r: any) => ({ ...r, sources: null })) })) }) }), ['plan', 'shop.fw'], /sources: must be object/);
  await refused(w, on('GET', /^\/v2\/databases\/[^/]+\/firewall$/, json({ rules: [null] })), ['plan', 'shop.fw'], /trusted sources.*rules\/0: must be object/);
  await refused(w, on('GET', '/v2/databases', json({ databases: null })), ['plan', 'shop.fw'], /list databases: .*must be array/);
});
Broken('a create answered without a `firewall` object is an error the apply recovers from (it looks the firewall up)', async () => {
  const w = await world();
  writeFileSync(join(w.dir, 'more.fw'), 'policy more\ntags web\nanyone may reach web on 4443\n');
  for (const answer of [{}, null, { firewall: null }]) {
    w.proxy.setRule(on('POST', '/v2/firewalls', { rewrite: () => answer }));
    const r = await fwc(w, ['apply', 'more.fw', '--auto-approve'], {}, true);
    w.proxy.setRule(null);
    assert.not.match(r.stderr, /internal error/);
    assert.is(r.code, 0, r.stdout + r.stderr);
    assert.is((await fwc(w, ['plan', 'more.fw', '--detailed-exitcode'])).code, 0);
    // Undo, so that the next answer is tried on a create again.
    const id = ((await (await fetch(`${w.em.url}/v2/firewalls`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as any).firewalls.find((f: any) => f.name === 'fwc-more-web').id;
    await fetch(`${w.em.url}/v2/firewalls/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
  }
});
Broken('a create answered without a `firewall` object, and nothing made, is a clear error', async () => {
  const w = await world();
  writeFileSync(join(w.dir, 'more.fw'), 'policy more\ntags web\nanyone may reach web on 4443\n');
  w.proxy.setRule(on('POST', '/v2/firewalls', json({}, 202)));
  const r = await fwc(w, ['apply', 'more.fw', '--auto-approve'], {}, true);
  w.proxy.setRule(null);
  assert.is(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /step 1 of 1 failed/);
  assert.not.match(r.stderr, /internal error/);
});

Broken('a redirect is never followed: no token or body goes to where it points', async () => {
  const w = await world();
  let elsewhere = 0;
  const other = createServer((_q, res) => {
    elsewhere++;
    res.end('{}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  const target = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    await refused(w, on('GET', '/v2/firewalls', { reply: 302, headers: { location: `${target}/v2/firewalls` } }), ['plan', 'shop.fw'], /a redirect \(302\) to http:\/\/127\.0\.0\.1:\d+\/v2\/firewalls, which fwc does not follow/);
    writeFileSync(join(w.dir, 'more.fw'), 'policy more\ntags web\nanyone may reach web on 4443\n');
    w.proxy.setRule(on('POST', '/v2/firewalls', { reply: 307, headers: { location: `http://user:secret@203.0.113.9/v2/firewalls` } }));
    const r = await fwc(w, ['apply', 'more.fw', '--auto-approve'], {}, true);
    w.proxy.setRule(null);
    assert.is(r.code, 1, r.stderr);
    assert.match(r.stderr, /a redirect \(307\) to http:\/\/203\.0\.113\.9\/v2\/firewalls, which fwc does not follow/, r.stderr);
    assert.not.match(r.stderr, /secret/);
    assert.is(elsewhere, 0, 'a request followed the redirect');
  } finally {
    await new Promise((r) => other.close(r));
  }
});

Broken('pages that never end: a `next` that loops, or more pages than meta.total allows', async () => {
  const w = await world();
  // The same page, always with a next link.
  await refused(
    w,
    on('GET', '/v2/tags', json({ tags: [{ name: 'web' }], links: { pages: { next: 'http://127.0.0.1/v2/tags?page=2' } }, meta: { total: 1000 } })),
    ['plan', 'shop.fw'],
    /list tags: .*the list does not end: page \d+ repeats the page before/,
  );
  // A new item on every page, a next link every time, and a total that says one page.
  await refused(
    w,
    on('GET', '/v2/tags', (q, n) => json({ tags: [{ name: `t${n}-${q.query.get('page')}` }], links: { pages: { next: 'x' } }, meta: { total: 1 } })),
    ['plan', 'shop.fw'],
    /the list does not end: page 3 is offered, but meta\.total \(1\) needs 1/,
  );
});

Broken('a request that never answers ends at the time limit, with a clear error', async () => {
  const w = await world();
  await refused(w, on('GET', '/v2/load_balancers', { hang: true }), ['plan', 'shop.fw'], /could not list load balancers: no answer from 127\.0\.0\.1:\d+ \(no complete answer within 0\.3 s\)/, {
    FWC_HTTP_TIMEOUT: '0.3',
    DIGITALOCEAN_HTTP_RETRY_MAX: '1',
  });
});

Broken('Ctrl-C stops a request that hangs: exit 130, no internal error', async () => {
  const w = await world();
  let child: ReturnType<typeof spawn> | null = null;
  w.proxy.setRule(
    on('GET', '/v2/load_balancers', () => {
      setTimeout(() => child?.kill('SIGINT'), 50);
      return { hang: true };
    }),
  );
  child = spawn(process.execPath, [BIN, 'plan', 'shop.fw', '--as-of', AS_OF], { cwd: w.dir, env: { PATH: process.env.PATH, ...env(w.proxy.url) } });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const code = await new Promise<number | null>((resolve) => child!.on('exit', (c) => resolve(c)));
  w.proxy.setRule(null);
  assert.is(code, 130, stderr);
  assert.match(stderr, /interrupted/);
  assert.not.match(stderr, /internal error/);
});

Broken.run();

// ---

const Token = suite('the token never appears');
Token.after.each(async () => {
  for (const w of worlds.splice(0)) {
    await w.proxy.stop();
    await w.em.stop();
  }
});
Token('a token with a newline is refused when read, naming only the variable', async () => {
  const w = await world();
  const secret = 'dop_v1_0123456789abcdef';
  const r = await runCli(['plan', 'shop.fw', '--as-of', AS_OF], { cwd: w.dir, env: { ...env(w.proxy.url), DIGITALOCEAN_TOKEN: `${secret}\nX-Evil: 1` } });
  assert.is(r.code, 1);
  assert.match(r.stderr, /DIGITALOCEAN_TOKEN holds a character that cannot be part of a token/);
  assert.not.match(r.stderr + r.stdout, /0123456789abcdef|Bearer/);
  assert.is(w.proxy.seen.length, 0, 'a request was sent with the bad token');
});
Token('a server that quotes the token back in its error is not echoed', async () => {
  const w = await world();
  await refused(
    w,
    on('GET', '/v2/firewalls', (q) => json({ id: 'unauthorized', message: `the header ${q.authorization} is \x1b]8;;http://evil\x07wrong` }, 401)),
    ['plan', 'shop.fw'],
    /DigitalOcean did not accept the token \(401: the header Bearer \[token\] is \\x1b\]8;;http:\/\/evil\\x07wrong\)/,
  );
});
Token('credentials in --api-url are refused and never echoed', async () => {
  const w = await world();
  const r = await runCli(['plan', 'shop.fw', '--api-url', 'https://alice:hunter2@api.example.com', '--as-of', AS_OF], { cwd: w.dir, env: env(w.proxy.url) });
  assert.is(r.code, 1);
  assert.match(r.stderr, /the API URL 'https:\/\/\*\*\*@api\.example\.com' holds a user name or password/);
  assert.not.match(r.stderr, /hunter2|alice/);
  const bad = await runCli(['plan', 'shop.fw', '--api-url', 'ftp://alice:hunter2@api.example.com', '--as-of', AS_OF], { cwd: w.dir, env: env(w.proxy.url) });
  assert.is(bad.code, 1);
  assert.not.match(bad.stderr, /hunter2/);
});
Token.run();

// ---

const Drift = suite('rules fwc cannot read are drift');
Drift.after.each(async () => {
  for (const w of worlds.splice(0)) {
    await w.proxy.stop();
    assertNoContractViolations(w.em, { probes: true });
    await w.em.stop();
  }
});
Drift('a managed firewall holding `TCP`, `sctp` or `22,3389` rules: plan shows them, apply removes them as stored', async () => {
  const w = await world();
  const strange = [
    { protocol: 'TCP', ports: '22', sources: { addresses: ['0.0.0.0/0'] } },
    { protocol: 'sctp', ports: '9', sources: { addresses: ['192.0.2.0/24'] } },
    { protocol: 'tcp', ports: '22,3389', sources: { tags: ['web'] } },
  ];
  let removed: any = null;
  const inject = (f: any) => (f.name === 'fwc-shop-web' && removed === null ? { ...f, inbound_rules: [...f.inbound_rules, ...strange] } : f);
  w.proxy.setRule((q) => {
    if (q.method === 'GET' && q.path === '/v2/firewalls') return { rewrite: (b) => ({ ...b, firewalls: b.firewalls.map(inject) }) };
    if (q.method === 'GET' && /^\/v2\/firewalls\/[^/]+$/.test(q.path)) return { rewrite: (b) => ({ firewall: inject(b.firewall) }) };
    if (q.method === 'DELETE' && /^\/v2\/firewalls\/[^/]+\/rules$/.test(q.path)) {
      removed = JSON.parse(q.body);
      return { reply: 204 };
    }
    return undefined;
  });
  const plan = await fwc(w, ['plan', 'shop.fw', '--detailed-exitcode'], {}, true);
  assert.is(plan.code, 2, plan.stdout + plan.stderr);
  assert.match(plan.stdout, /firewall fwc-shop-web will be updated in place/);
  assert.match(plan.stdout, /- inbound  \{"protocol":"TCP","ports":"22",.*# unreadable: protocol "TCP" is not understood/);
  assert.match(plan.stdout, /- inbound  \{"protocol":"sctp".*# unreadable: protocol "sctp" is not understood/);
  assert.match(plan.stdout, /- inbound  \{"protocol":"tcp","ports":"22,3389".*# unreadable: ports "22,3389" are not understood/);
  assert.match(plan.stdout, /Plan: 0 to add, 1 to change, 0 to destroy/);
  const md = await fwc(w, ['plan', 'shop.fw', '--format', 'markdown'], {}, true);
  assert.match(md.stdout, /fwc-shop-web<\/code> — update \(rules −3/);
  const r = await fwc(w, ['apply', 'shop.fw', '--auto-approve', '--allow-lockout'], {}, true);
  w.proxy.setRule(null);
  assert.is(r.code, 0, r.stdout + r.stderr);
  assert.equal(removed, { inbound_rules: strange, outbound_rules: [] });
});
Drift.run();
