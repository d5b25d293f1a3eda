// The client: retries as godo makes them (429 with retry-after as seconds or a date, or ratelimit-reset;
// 5xx but 501; dropped connections; bounded attempts; exponential backoff with jitter), pacing under
// the per-minute limit, bounded concurrency, pagination, errors in a person's words, configuration.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DigitalOceanClient, rateLimitWait } from '../../src/digitalocean/client.js';
import { apiBaseUrl, apiToken, ConfigError } from '../../src/digitalocean/config.js';
import { ApiError } from '../../src/digitalocean/errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;

/** A loopback server answering with `handler`; `n` counts the requests. */
async function stub(handler: Handler): Promise<{ url: URL; count: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res, ++n));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    count: () => n,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

function client(url: URL, waits: number[], extra: Partial<ConstructorParameters<typeof DigitalOceanClient>[0]> = {}): DigitalOceanClient {
  return new DigitalOceanClient({
    baseUrl: url,
    token: 'test-token',
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
}

const Retries = suite('retries');
Retries('5xx are retried (not 501), up to 4 retries, with growing backoff and jitter', async () => {
  const s = await stub((_q, res, n) => (n < 3 ? json(res, 503, { id: 'server_error', message: 'busy' }) : json(res, 200, { tags: [], meta: { total: 0 } })));
  const waits: number[] = [];
  const r = await client(s.url, waits).request('tags_list');
  assert.is(r.status, 200);
  assert.is(s.count(), 3);
  assert.equal(waits, [750, 1500]);
  await s.close();
  const always = await stub((_q, res) => json(res, 502, { id: 'bad_gateway', message: 'no' }));
  const w2: number[] = [];
  try {
    await client(always.url, w2).request('tags_list');
    assert.unreachable();
  } catch (error) {
    assert.instance(error, ApiError);
    assert.is((error as ApiError).status, 502);
    assert.match((error as ApiError).message, 'DigitalOcean had an internal error while trying to list tags (502: no); try again');
  }
  assert.is(always.count(), 5);
  assert.equal(w2, [750, 1500, 3000, 6000]);
  await always.close();
  const n501 = await stub((_q, res) => json(res, 501, { id: 'not_implemented', message: 'no' }));
  await client(n501.url, []).request('tags_list').catch(() => undefined);
  assert.is(n501.count(), 1);
  await n501.close();
});
Retries('4xx are not retried', async () => {
  const s = await stub((_q, res) => json(res, 422, { id: 'unprocessable_entity', message: 'duplicate name', request_id: 'rq-1' }));
  try {
    await client(s.url, []).request('firewalls_create', { body: { name: 'x' } });
    assert.unreachable();
  } catch (error) {
    assert.is((error as ApiError).message, 'DigitalOcean refused to create a firewall (422: duplicate name) [request id rq-1]');
  }
  assert.is(s.count(), 1);
  await s.close();
});
Retries('429 waits as retry-after says (seconds or date), or until ratelimit-reset', async () => {
  const s = await stub((_q, res, n) => (n === 1 ? json(res, 429, { id: 'too_many_requests', message: 'API Rate limit exceeded.' }, { 'retry-after': '3' }) : json(res, 200, { tags: [], meta: { total: 0 } })));
  const waits: number[] = [];
  const events: string[] = [];
  await client(s.url, waits, { onEvent: (e) => events.push(e.kind) }).request('tags_list');
  assert.equal(waits, [3050]);
  assert.equal(events, ['rate-limited']);
  await s.close();
  const now = Date.parse('2026-11-24T12:00:00Z');
  const h = (o: Record<string, string>) => new Headers(o);
  assert.is(rateLimitWait(h({ 'retry-after': 'Tue, 24 Nov 2026 12:00:05 GMT' }), now), 5000);
  assert.is(rateLimitWait(h({ 'ratelimit-reset': String(now / 1000 + 7) }), now), 7000);
  assert.is(rateLimitWait(h({}), now), null);
});
Retries('dropped connections are retried; a change whose answer was lost is marked ambiguous', async () => {
  const s = await stub((req, res, n) => (n < 2 ? req.socket.destroy() : json(res, 200, { tags: [], meta: { total: 0 } })));
  await client(s.url, []).request('tags_list');
  assert.is(s.count(), 2);
  await s.close();
  const dead = await stub((req) => req.socket.destroy());
  try {
    await client(dead.url, [], { maxRetries: 1 }).request('firewalls_delete', { params: { firewall_id: 'x' } });
    assert.unreachable();
  } catch (error) {
    const e = error as ApiError;
    assert.is(e.status, 0);
    assert.is(e.ambiguous, true);
    assert.match(e.message, /could not delete a firewall: no answer from 127\.0\.0\.1:\d+ .*the change may or may not have been made/);
  }
  await dead.close();
});
Retries.run();

// ---

const Pacing = suite('pacing, concurrency, pagination');
Pacing('never more than requestsPerMinute start in a minute', async () => {
  const s = await stub((_q, res) => json(res, 200, { tags: [], meta: { total: 0 } }));
  let now = 0;
  const waits: number[] = [];
  const c = new DigitalOceanClient({
    baseUrl: s.url,
    token: 't',
    requestsPerMinute: 3,
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  for (let i = 0; i < 7; i++) {
    await c.request('tags_list');
    now += 1000;
  }
  assert.equal(waits, [57_000, 57_000]);
  await s.close();
});
Pacing('at most `concurrency` requests are in flight', async () => {
  let inFlight = 0;
  let most = 0;
  const s = await stub((_q, res) => {
    inFlight++;
    most = Math.max(most, inFlight);
    setTimeout(() => {
      inFlight--;
      json(res, 200, { tags: [], meta: { total: 0 } });
    }, 20);
  });
  const c = new DigitalOceanClient({ baseUrl: s.url, token: 't', concurrency: 3 });
  await Promise.all(Array.from({ length: 12 }, () => c.request('tags_list')));
  assert.is(most, 3);
  await s.close();
});
Pacing('lists read every page with per_page=200, by links or by meta.total', async () => {
  const pages: string[] = [];
  const s = await stub((req, res) => {
    const u = new URL(req.url!, 'http://x');
    pages.push(u.search);
    const page = Number(u.searchParams.get('page'));
    const items = Array.from({ length: page < 3 ? 200 : 50 }, (_, i) => ({ name: `t${page}-${i}` }));
    json(res, 200, { tags: items, links: page < 3 ? { pages: { next: 'x' } } : {}, meta: { total: 450 } });
  });
  const all = await client(s.url, []).listAll('tags_list', 'tags');
  assert.is(all.length, 450);
  assert.equal(pages, ['?per_page=200&page=1', '?per_page=200&page=2', '?per_page=200&page=3']);
  await s.close();
  const noLinks = await stub((req, res) => {
    const page = Number(new URL(req.url!, 'http://x').searchParams.get('page'));
    json(res, 200, { tags: page === 1 ? Array.from({ length: 200 }, () => ({ name: 'a' })) : [{ name: 'b' }], meta: { total: 201 } });
  });
  assert.is((await client(noLinks.url, []).listAll('tags_list', 'tags')).length, 201);
  await noLinks.close();
});
Pacing.run();

// ---

const Errors = suite('errors and configuration');
Errors('401, 403 (naming the scope), 404 read as what to do', async () => {
  const s = await stub((req, res) => {
    if (req.url!.startsWith('/v2/tags')) json(res, 401, { id: 'unauthorized', message: 'Unable to authenticate you.' });
    else if (req.method === 'POST') json(res, 403, { id: 'forbidden', message: 'You do not have permission to perform this action.' }, { 'x-request-id': 'hdr-1' });
    else json(res, 404, { id: 'not_found', message: 'The resource you were accessing could not be found.' });
  });
  const c = client(s.url, []);
  const msg = async (p: Promise<unknown>) => p.then(() => '', (e: Error) => e.message);
  assert.match(await msg(c.request('tags_list')), 'DigitalOcean did not accept the token (401: Unable to authenticate you.); set DIGITALOCEAN_TOKEN or DIGITALOCEAN_ACCESS_TOKEN to a valid token');
  assert.match(await msg(c.request('firewalls_create', { body: {} })), 'the token may not create a firewall: it needs the scopes firewall:create, firewall:read (403: You do not have permission to perform this action.) [request id hdr-1]');
  assert.match(await msg(c.request('firewalls_get', { params: { firewall_id: 'x' } })), 'could not read a firewall: not found (404');
  await s.close();
});
Errors('configuration: token variables, https only but for loopback', () => {
  assert.is(apiToken({ DIGITALOCEAN_TOKEN: 'a', DIGITALOCEAN_ACCESS_TOKEN: 'b' }), 'a');
  assert.is(apiToken({ DIGITALOCEAN_ACCESS_TOKEN: 'b' }), 'b');
  assert.throws(() => apiToken({}), (e: ConfigError) => /DIGITALOCEAN_TOKEN or DIGITALOCEAN_ACCESS_TOKEN/.test(e.help));
  assert.is(apiBaseUrl(undefined, {}).toString(), 'https://api.digitalocean.com/');
  assert.is(apiBaseUrl('http://127.0.0.1:8080/', {}).host, '127.0.0.1:8080');
  assert.is(apiBaseUrl(undefined, { DIGITALOCEAN_API_URL: 'http://localhost:1' }).hostname, 'localhost');
  assert.is(apiBaseUrl('http://[::1]:9/', {}).hostname, '[::1]');
  assert.throws(() => apiBaseUrl('http://api.example.com', {}), /refusing to send a token over plain http/);
  assert.throws(() => apiBaseUrl('ftp://x', {}), /not http or https/);
  assert.throws(() => apiBaseUrl('nope', {}), /not a URL/);
});
Errors.run();
