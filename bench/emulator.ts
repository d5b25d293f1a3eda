// Emulator throughput: requests per second the emulator (`fwc emulator`, its own process, rate limits
// off) answers on loopback, for GET /v2/firewalls on a seeded account (a 20-item page, as clients get by
// default, and a full 200-item page) and for POST /v2/firewalls + DELETE /v2/firewalls/{id} pairs, from
// 1 and 16 concurrent fetch clients. It tells whether the emulator, not fwc, bounds the API benches.
//
//   node --import tsx bench/emulator.ts
import { performance } from 'node:perf_hooks';
import { QUICK, TOKEN, median, seedAccount, startEmulatorProcess, table } from './lib.js';

const SECONDS = QUICK ? 1 : 3;
const FIREWALLS = QUICK ? 100 : 1000;
const emulator = await startEmulatorProcess(seedAccount({ tags: 100, droplets: 200, firewalls: FIREWALLS }), { rateLimit: 'off', settleMs: 0 });
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

async function call(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(emulator.url + path, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** Runs `clients` loops of `work` for SECONDS; returns requests per second and median latency (ms). */
async function load(clients: number, requestsPerLoop: number, work: (client: number, i: number) => Promise<void>): Promise<[number, number]> {
  const end = performance.now() + SECONDS * 1000;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; performance.now() < end; i++) {
        const s = performance.now();
        await work(c, i);
        latencies.push((performance.now() - s) / requestsPerLoop);
      }
    }),
  );
  return [(latencies.length * requestsPerLoop) / ((performance.now() - t0) / 1000), median(latencies)];
}

const rule = { inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.0/24'] } }], tags: ['t1'] };
const scenarios: [string, number, (c: number, i: number) => Promise<void>][] = [
  ['GET /v2/firewalls (20/page)', 1, async () => void (await call('GET', '/v2/firewalls'))],
  ['GET /v2/firewalls?per_page=200', 1, async () => void (await call('GET', '/v2/firewalls?per_page=200'))],
  [
    'POST + DELETE /v2/firewalls',
    2,
    async (c, i) => {
      const created = (await call('POST', '/v2/firewalls', { name: `bench-${c}-${i}`, ...rule })) as { firewall: { id: string } };
      await call('DELETE', `/v2/firewalls/${created.firewall.id}`);
    },
  ],
];

const rows: (string | number)[][] = [];
await call('GET', '/v2/firewalls'); // warm up the connection and the emulator
for (const [name, perLoop, work] of scenarios) {
  for (const clients of [1, 16]) {
    const [rps, ms] = await load(clients, perLoop, work);
    rows.push([name, clients, rps, ms]);
  }
}
await emulator.stop();
console.log(`emulator with ${FIREWALLS} seeded firewalls, rate limits off, ${SECONDS} s per row`);
table(['requests', 'clients', 'req/s', 'median ms'], rows);
