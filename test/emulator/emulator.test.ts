// The emulator behaves as DigitalOcean's API does (the OpenAPI description and DO-API-FACTS.md): every
// endpoint, validation and limit, error bodies and status codes, auth and scopes, pagination, rate
// limits, read-back quirks, order shuffling, status settling. Every suite checks the OpenAPI contract.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Emulator } from '../../src/emulator/index.js';
import { assertNoContractViolations, call, startTestEmulator } from '../helpers/emulator.js';

const SEED = {
  tags: ['web', 'db'],
  droplets: [
    { id: 11, name: 'web-1', tags: ['web'], public_ipv4: '203.0.113.11', private_ipv4: '10.0.0.11', public_ipv6: '2001:db8::11' },
    { id: 12, name: 'web-2', tags: ['web'], private_ipv4: '10.0.0.12' },
    { id: 13, name: 'db-1', tags: ['db'], private_ipv4: '10.0.0.13' },
    { id: 14, name: 'gpu-1', tags: [], gpu: true },
  ],
  load_balancers: [{ id: '4de7ac8b-495b-4884-9a69-1050c6793cd6', name: 'lb', ip: '203.0.113.50' }],
  kubernetes_clusters: [{ id: 'bd5f5959-5e1e-4205-a714-a914373942af', name: 'k', node_droplet_ids: [12] }],
  databases: [{ id: '9cc10173-e9ea-4176-9dbc-a4cee4c4ff30', name: 'main', trusted_sources: [{ type: 'tag', value: 'web' }] }],
};

const FW = {
  name: 'fw-web',
  tags: ['web'],
  inbound_rules: [
    { protocol: 'tcp', ports: '80', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
    { protocol: 'icmp', sources: { tags: ['db'] } },
  ],
  outbound_rules: [{ protocol: 'tcp', ports: '1-65535', destinations: { addresses: ['0.0.0.0/0'] } }],
};

async function withEmulator(test: (em: Emulator) => Promise<void>, options: Parameters<typeof startTestEmulator>[0] = {}): Promise<void> {
  const em = await startTestEmulator({ seed: SEED, ...options });
  try {
    await test(em);
    // Requests here are invalid on purpose; every response must still keep the contract.
    assertNoContractViolations(em, { requests: false });
  } finally {
    await em.stop();
  }
}

const Firewalls = suite('firewalls');
Firewalls('create (202), read, list, replace (PUT clears what it omits), delete (204, then 404)', () =>
  withEmulator(async (em) => {
    const created = await call(em, 'POST', '/v2/firewalls', FW);
    assert.is(created.status, 202);
    const id = created.body.firewall.id as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const got = await call(em, 'GET', `/v2/firewalls/${id}`);
    assert.is(got.status, 200);
    assert.equal(got.body.firewall.tags, ['web']);
    const list = await call(em, 'GET', '/v2/firewalls');
    assert.is(list.body.meta.total, 1);
    const put = await call(em, 'PUT', `/v2/firewalls/${id}`, { name: 'fw-web', inbound_rules: FW.inbound_rules });
    assert.is(put.status, 200);
    assert.equal(put.body.firewall.tags, []);
    assert.equal(put.body.firewall.outbound_rules, []);
    assert.is((await call(em, 'DELETE', `/v2/firewalls/${id}`)).status, 204);
    const again = await call(em, 'DELETE', `/v2/firewalls/${id}`);
    assert.is(again.status, 404);
    assert.is(again.body.id, 'not_found');
    assert.type(again.body.request_id, 'string');
  }));
Firewalls('all ports read back as "0", "1-65535" as written, ICMP always "0"', () =>
  withEmulator(async (em) => {
    const { body } = await call(em, 'POST', '/v2/firewalls', {
      name: 'ports',
      inbound_rules: [
        { protocol: 'tcp', ports: 'all', sources: { tags: ['web'] } },
        { protocol: 'udp', ports: '1-65535', sources: { tags: ['web'] } },
        { protocol: 'icmp', sources: { tags: ['web'] } },
      ],
    });
    const byProto = Object.fromEntries(body.firewall.inbound_rules.map((r: { protocol: string; ports: string }) => [r.protocol, r.ports]));
    assert.equal(byProto, { tcp: '0', udp: '1-65535', icmp: '0' });
  }));
Firewalls('validation: name pattern, duplicate name, ports, addresses, tags and droplets that exist', () =>
  withEmulator(async (em) => {
    const expect422 = async (body: unknown, text: RegExp, status = 422) => {
      const r = await call(em, 'POST', '/v2/firewalls', body);
      assert.is(r.status, status, JSON.stringify(r.body));
      assert.match(r.body.message, text);
      assert.type(r.body.request_id, 'string');
    };
    await expect422({ ...FW, name: 'a_b' }, /name must match/);
    await expect422({ ...FW, inbound_rules: [{ protocol: 'tcp', sources: { tags: ['web'] } }] }, /positive value for ports/);
    await expect422({ ...FW, inbound_rules: [{ protocol: 'tcp', ports: '90-80', sources: { tags: ['web'] } }] }, /valid range/);
    await expect422({ ...FW, inbound_rules: [{ protocol: 'tcp', ports: '80', sources: { addresses: ['web'] } }] }, /invalid address/);
    await expect422({ ...FW, inbound_rules: [{ protocol: 'tcp', ports: '80', sources: [{ addresses: ['1.2.3.4'] }] }] }, /invalid type for one of the sources/);
    await expect422({ ...FW, tags: ['nope'] }, /nope/);
    await expect422({ ...FW, droplet_ids: [999] }, /999/);
    await expect422({ ...FW, inbound_rules: [FW.inbound_rules[0], FW.inbound_rules[0]] }, /duplicate rules/);
    await expect422({ name: 'no-rules' }, /at least one inbound or outbound rule/);
    // godo sends the rule lists it was not given as null.
    await expect422({ name: 'null-rules', inbound_rules: null, outbound_rules: null, tags: null, droplet_ids: null }, /at least one inbound or outbound rule/);
    assert.is((await call(em, 'POST', '/v2/firewalls', FW)).status, 202);
    await expect422(FW, /duplicate name/, 409);
  }));
Firewalls('limits: 50 rules, 1000 entries, 5 tags, 10 droplets', () =>
  withEmulator(async (em) => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ protocol: 'tcp', ports: String(1000 + i), sources: { tags: ['web'] } }));
    assert.is((await call(em, 'POST', '/v2/firewalls', { name: 'r50', inbound_rules: many(50) })).status, 202);
    assert.match((await call(em, 'POST', '/v2/firewalls', { name: 'r51', inbound_rules: many(51) })).body.message, /at most 50 rules/);
    const addresses = Array.from({ length: 1001 }, (_, i) => `10.${i >> 8}.${i & 255}.1`);
    assert.match((await call(em, 'POST', '/v2/firewalls', { name: 'e1000', inbound_rules: [{ protocol: 'tcp', ports: '1', sources: { addresses } }] })).body.message, /1000 entries/);
    for (const t of ['a', 'b', 'c', 'd', 'e', 'f']) await call(em, 'POST', '/v2/tags', { name: t });
    assert.match((await call(em, 'POST', '/v2/firewalls', { ...FW, name: 't6', tags: ['a', 'b', 'c', 'd', 'e', 'f'] })).body.message, /no more than 5 tags/);
    const droplets = await call(em, 'GET', '/v2/droplets');
    assert.is(droplets.status, 200);
  }));
Firewalls('rules: add (duplicate per behaviour), remove by stored form, a rule left empty disappears', () =>
  withEmulator(async (em) => {
    const id = (await call(em, 'POST', '/v2/firewalls', FW)).body.firewall.id;
    const add = { inbound_rules: [{ protocol: 'tcp', ports: 'all', sources: { tags: ['db'], addresses: ['10.0.0.0/8'] } }] };
    assert.is((await call(em, 'POST', `/v2/firewalls/${id}/rules`, add)).status, 204);
    assert.is((await call(em, 'POST', `/v2/firewalls/${id}/rules`, add)).status, 204, 'a rule already there is a no-op by default');
    em.setBehaviour({ duplicateRule: 'error' });
    assert.is((await call(em, 'POST', `/v2/firewalls/${id}/rules`, add)).status, 422);
    // A removal written "all" does not match the rule stored as "0".
    await call(em, 'DELETE', `/v2/firewalls/${id}/rules`, { inbound_rules: [{ protocol: 'tcp', ports: 'all', sources: { tags: ['db'] } }] });
    let rules = (await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.inbound_rules;
    assert.is(rules.filter((r: { protocol: string; ports: string }) => r.protocol === 'tcp' && r.ports === '0').length, 1);
    // Removing one entry keeps the others; removing the last removes the rule.
    await call(em, 'DELETE', `/v2/firewalls/${id}/rules`, { inbound_rules: [{ protocol: 'tcp', ports: '0', sources: { tags: ['DB'] } }] });
    rules = (await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.inbound_rules;
    assert.equal(rules.find((r: { protocol: string; ports: string }) => r.protocol === 'tcp' && r.ports === '0').sources, { addresses: ['10.0.0.0/8'] });
    await call(em, 'DELETE', `/v2/firewalls/${id}/rules`, { inbound_rules: [{ protocol: 'tcp', ports: '0', sources: { addresses: ['10.0.0.0/8'] } }] });
    rules = (await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.inbound_rules;
    assert.is(rules.filter((r: { protocol: string; ports: string }) => r.protocol === 'tcp' && r.ports === '0').length, 0);
    // ICMP removals match whatever ports they carry.
    await call(em, 'DELETE', `/v2/firewalls/${id}/rules`, { inbound_rules: [{ protocol: 'icmp', sources: { tags: ['db'] } }] });
    rules = (await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.inbound_rules;
    assert.is(rules.length, 1);
  }));
Firewalls('tags and droplets of a firewall', () =>
  withEmulator(async (em) => {
    const id = (await call(em, 'POST', '/v2/firewalls', FW)).body.firewall.id;
    assert.is((await call(em, 'POST', `/v2/firewalls/${id}/tags`, { tags: ['DB'] })).status, 204);
    assert.equal([...(await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.tags].sort(), ['db', 'web']);
    assert.is((await call(em, 'DELETE', `/v2/firewalls/${id}/tags`, { tags: ['web'] })).status, 204);
    assert.is((await call(em, 'POST', `/v2/firewalls/${id}/droplets`, { droplet_ids: [11] })).status, 204);
    assert.is((await call(em, 'POST', `/v2/firewalls/${id}/droplets`, { droplet_ids: [404] })).status, 422);
    const byDroplet = await call(em, 'GET', '/v2/droplets/11/firewalls');
    assert.equal(byDroplet.body.firewalls.map((f: { id: string }) => f.id), [id]);
    assert.is((await call(em, 'DELETE', `/v2/firewalls/${id}/droplets`, { droplet_ids: [11] })).status, 204);
    assert.is((await call(em, 'GET', '/v2/droplets/11/firewalls')).body.firewalls.length, 0);
  }));
Firewalls('status is waiting with pending changes, then succeeded', () =>
  withEmulator(
    async (em) => {
      const created = (await call(em, 'POST', '/v2/firewalls', FW)).body.firewall;
      assert.is(created.status, 'waiting');
      assert.equal(created.pending_changes.map((p: { droplet_id: number }) => p.droplet_id), [11, 12]);
      await new Promise((r) => setTimeout(r, 120));
      const later = (await call(em, 'GET', `/v2/firewalls/${created.id}`)).body.firewall;
      assert.is(later.status, 'succeeded');
      assert.equal(later.pending_changes, []);
    },
    { settleMs: 100 },
  ));
Firewalls('rules and entries come back in an order that changes between reads', () =>
  withEmulator(async (em) => {
    const many = Array.from({ length: 12 }, (_, i) => ({ protocol: 'tcp', ports: String(2000 + i), sources: { addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] } }));
    const id = (await call(em, 'POST', '/v2/firewalls', { name: 'order', inbound_rules: many })).body.firewall.id;
    const reads = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const rules = (await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.inbound_rules;
      reads.add(JSON.stringify(rules));
      assert.equal(rules.map((r: { ports: string }) => r.ports).sort(), many.map((r) => r.ports).sort());
    }
    assert.ok(reads.size > 1, 'the order never changed');
  }));
Firewalls('read-back knobs: action always or only on deny; IPv6 verbatim or canonical', () =>
  withEmulator(async (em) => {
    const body = { name: 'knobs', inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['2001:DB8:0::1'] } }, { protocol: 'tcp', ports: '23', action: 'deny', sources: { tags: ['web'] } }] };
    const id = (await call(em, 'POST', '/v2/firewalls', body)).body.firewall.id;
    const read = async () => (await call(em, 'GET', `/v2/firewalls/${id}`)).body.firewall.inbound_rules.sort((a: { ports: string }, b: { ports: string }) => a.ports.localeCompare(b.ports));
    let rules = await read();
    assert.is(rules[0].action, undefined);
    assert.is(rules[1].action, 'deny');
    assert.equal(rules[0].sources.addresses, ['2001:DB8:0::1']);
    em.setBehaviour({ actionReadBack: 'always', ipv6ReadBack: 'canonical' });
    rules = await read();
    assert.is(rules[0].action, 'allow');
    assert.equal(rules[0].sources.addresses, ['2001:db8::1']);
  }));
Firewalls.run();

// ---

const Resources = suite('tags, droplets, load balancers, clusters, databases');
Resources('tags are case-insensitive but keep their first spelling; creating one twice returns it', () =>
  withEmulator(async (em) => {
    const a = await call(em, 'POST', '/v2/tags', { name: 'My-Tag' });
    assert.is(a.status, 201);
    const b = await call(em, 'POST', '/v2/tags', { name: 'my-tag' });
    assert.is(b.status, 201);
    assert.is(b.body.tag.name, 'My-Tag');
    const bad = await call(em, 'POST', '/v2/tags', { name: 'bad tag' });
    assert.is(bad.status, 400);
    assert.ok(Array.isArray(bad.body.root_causes));
    assert.is((await call(em, 'GET', '/v2/tags/web')).body.tag.resources.droplets.count, 2);
    assert.is((await call(em, 'DELETE', '/v2/tags/web')).status, 204);
    assert.equal((await call(em, 'GET', '/v2/droplets?tag_name=web')).body.droplets, []);
  }));
Resources('droplets: tag filter, GPU droplets only with type=gpus, networks from the seed', () =>
  withEmulator(async (em) => {
    const all = await call(em, 'GET', '/v2/droplets');
    assert.equal(all.body.droplets.map((d: { id: number }) => d.id).sort(), [11, 12, 13]);
    assert.equal((await call(em, 'GET', '/v2/droplets?type=gpus')).body.droplets.map((d: { id: number }) => d.id), [14]);
    assert.equal((await call(em, 'GET', '/v2/droplets?tag_name=WEB')).body.droplets.length, 2);
    assert.is((await call(em, 'GET', '/v2/droplets?tag_name=web&type=gpus')).status, 400);
    const web1 = all.body.droplets.find((d: { id: number }) => d.id === 11);
    assert.equal(web1.networks.v4.map((n: { ip_address: string }) => n.ip_address).sort(), ['10.0.0.11', '203.0.113.11']);
    assert.equal(web1.networks.v6.map((n: { ip_address: string }) => n.ip_address), ['2001:db8::11']);
    const node = all.body.droplets.find((d: { id: number }) => d.id === 12);
    assert.ok(node.tags.includes('k8s:bd5f5959-5e1e-4205-a714-a914373942af'), 'cluster nodes carry k8s:<id>');
  }));
Resources('load balancers, clusters, databases and trusted sources (PUT keeps uuids)', () =>
  withEmulator(async (em) => {
    assert.equal((await call(em, 'GET', '/v2/load_balancers')).body.load_balancers.map((l: { name: string }) => l.name), ['lb']);
    assert.equal((await call(em, 'GET', '/v2/kubernetes/clusters')).body.kubernetes_clusters.map((c: { name: string }) => c.name), ['k']);
    const db = (await call(em, 'GET', '/v2/databases')).body.databases[0];
    const before = (await call(em, 'GET', `/v2/databases/${db.id}/firewall`)).body.rules;
    assert.is(before.length, 1);
    const put = await call(em, 'PUT', `/v2/databases/${db.id}/firewall`, { rules: [{ uuid: before[0].uuid, type: 'tag', value: 'web' }, { type: 'ip_addr', value: '198.51.100.7' }] });
    assert.is(put.status, 204);
    const after = (await call(em, 'GET', `/v2/databases/${db.id}/firewall`)).body.rules;
    assert.is(after.find((r: { type: string }) => r.type === 'tag').uuid, before[0].uuid);
    assert.is((await call(em, 'PUT', `/v2/databases/${db.id}/firewall`, { rules: [{ type: 'ip_addr', value: '2001:db8::1' }] })).status, 422);
    assert.is((await call(em, 'PUT', `/v2/databases/${db.id}/firewall`, { rules: Array.from({ length: 101 }, (_, i) => ({ type: 'ip_addr', value: `10.0.${i}.1` })) })).status, 422);
  }));
Resources.run();

// ---

const Http = suite('auth, errors, pagination, rate limits');
Http('401 without a valid token, 403 naming the missing scope', () =>
  withEmulator(
    async (em) => {
      const none = await call(em, 'GET', '/v2/firewalls', undefined, null);
      assert.is(none.status, 401);
      assert.equal(none.body.id, 'unauthorized');
      assert.is((await call(em, 'GET', '/v2/firewalls', undefined, 'wrong')).status, 401);
      const ro = await call(em, 'POST', '/v2/firewalls', FW, 'ro');
      assert.is(ro.status, 403);
      assert.match(ro.body.message, 'firewall:create');
      assert.is((await call(em, 'GET', '/v2/firewalls', undefined, 'ro')).status, 200);
      const scoped = await call(em, 'POST', '/v2/firewalls', FW, 'create-only');
      assert.is(scoped.status, 403);
      assert.match(scoped.body.message, 'firewall:read', 'firewall:create needs firewall:read too');
    },
    { tokens: [{ token: 'fwc-emulator-token', scopes: 'all' }, { token: 'ro', scopes: 'read' }, { token: 'create-only', scopes: ['firewall:create'] }] },
  ));
Http('bad JSON is 400, unknown paths 404, every response has a request id', () =>
  withEmulator(async (em) => {
    const bad = await call(em, 'POST', '/v2/firewalls', '{not json');
    assert.is(bad.status, 400);
    assert.ok(bad.headers.get('x-request-id'));
    assert.is((await call(em, 'GET', '/v2/nothing')).status, 404);
  }));
Http('pagination: per_page up to 200, links only where relevant, meta.total', () =>
  withEmulator(async (em) => {
    for (let i = 0; i < 5; i++) await call(em, 'POST', '/v2/firewalls', { ...FW, name: `fw-${i}` });
    const p1 = await call(em, 'GET', '/v2/firewalls?per_page=2');
    assert.is(p1.body.firewalls.length, 2);
    assert.is(p1.body.meta.total, 5);
    assert.ok(p1.body.links.pages.next && p1.body.links.pages.last && !p1.body.links.pages.prev);
    const p3 = await call(em, 'GET', '/v2/firewalls?per_page=2&page=3');
    assert.is(p3.body.firewalls.length, 1);
    assert.ok(p3.body.links.pages.prev && !p3.body.links.pages.next);
    const all = await call(em, 'GET', '/v2/firewalls?per_page=500');
    assert.is(all.body.firewalls.length, 5);
    assert.equal(all.body.links, {});
    assert.is((await call(em, 'GET', '/v2/firewalls?page=0')).status, 400);
  }));
Http('rate limits: headers on every response, 429 with retry-after', () =>
  withEmulator(
    async (em) => {
      const statuses: number[] = [];
      let last!: Headers;
      for (let i = 0; i < 6; i++) {
        const r = await call(em, 'GET', '/v2/tags');
        statuses.push(r.status);
        last = r.headers;
      }
      assert.equal(statuses, [200, 200, 200, 200, 200, 429]);
      assert.is(last.get('ratelimit-limit'), '5000');
      assert.ok(Number(last.get('retry-after')) >= 1);
      assert.ok(Number(last.get('ratelimit-reset')) > Date.now() / 1000);
    },
    { rateLimit: '5/min,5000/h' },
  ));
Http.run();
