// Account reading: readAccount (src/digitalocean/read.ts) against an emulated account of 1,000
// firewalls, 5,000 droplets and 500 tags (plus 3 load balancers, 2 clusters, 3 databases): requests by
// operation (client.history), 429s met, and wall time — with rate limits off (fwc's own cost and the
// client's concurrency of 4), then under DigitalOcean's default 250/min, 5,000/h (what a user sees).
//
//   node --import tsx bench/readAccount.ts
import { performance } from 'node:perf_hooks';
import { DigitalOceanClient } from '../src/digitalocean/client.js';
import { readAccount } from '../src/digitalocean/read.js';
import { QUICK, TOKEN, countBy, median, seedAccount, startEmulatorProcess, table } from './lib.js';

const size = QUICK ? { tags: 50, droplets: 500, firewalls: 100 } : { tags: 500, droplets: 5000, firewalls: 1000 };
const RUNS = QUICK ? 1 : 3;
const seed = seedAccount(size);

for (const rateLimit of ['off', '250/min,5000/h']) {
  const emulator = await startEmulatorProcess(seed, { rateLimit });
  const times: number[] = [];
  let client: DigitalOceanClient | undefined;
  let read: Awaited<ReturnType<typeof readAccount>> | undefined;
  for (let i = -1; i < RUNS; i++) {
    client = new DigitalOceanClient({ baseUrl: new URL(emulator.url), token: TOKEN });
    const t0 = performance.now();
    read = await readAccount(client);
    if (i >= 0) times.push(performance.now() - t0); // run -1 warms up this process and the emulator
  }
  await emulator.stop();
  const history = client!.history;
  console.log(`\nrate limit ${rateLimit}: read ${read!.firewalls.length} firewalls, ${read!.droplets.length} droplets, ${read!.tags.length} tags, ` +
    `${read!.loadBalancers.length} LBs, ${read!.clusters.length} clusters, ${read!.databases.length} databases`);
  table(['operation', 'requests'], countBy(history, (h) => h.operation));
  console.log(`requests per read: ${history.length}; 429s: ${history.filter((h) => h.status === 429).length} (last run), ` +
    `${emulator.requests().filter((r) => r.status === 429).length} (all ${RUNS + 1} runs, emulator log)`);
  console.log(`wall time: median ${median(times).toFixed(0)} ms of ${RUNS} runs (${times.map((t) => t.toFixed(0)).join(', ')} ms); peak RSS so far ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
