// `fwc import --all` (the built CLI) on generated accounts: D droplets over F role tags and 3 env tags,
// one firewall per role (an inbound rule from the next role and an address block, ssh from two blocks,
// https from anyone, open egress). Wall time and peak memory of the whole command: reading the account,
// translating, writing, and the exactness proof, which compares every droplet alone with every other
// host and address piece.
//
//   node --import tsx bench/import.ts [DROPLETS:FIREWALLS …]
import { QUICK, TOKEN, median, runFwc, startEmulatorProcess, table, type Run } from './lib.js';
import type { SeedData } from '../src/emulator/index.js';

const sizes = (process.argv.length > 2 ? process.argv.slice(2) : QUICK ? ['200:40'] : ['200:40', '500:100', '1000:200']).map((s) => s.split(':').map(Number) as [number, number]);
const RUNS = QUICK ? 1 : 3;

function seed(D: number, F: number): SeedData {
  const open = [
    { protocol: 'tcp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
    { protocol: 'udp', ports: 'all', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
    { protocol: 'icmp', destinations: { addresses: ['0.0.0.0/0', '::/0'] } },
  ];
  return {
    tokens: [{ token: TOKEN, scopes: 'all' as never }],
    droplets: Array.from({ length: D }, (_, i) => ({ id: 5000 + i, name: `d-${i}`, tags: [`role-${i % F}`, `env-${i % 3}`], private_ipv4: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}` })),
    firewalls: Array.from({ length: F }, (_, f) => ({
      name: `fw-${f}`,
      tags: [`role-${f}`],
      inbound_rules: [
        { protocol: 'tcp', ports: String(8000 + f), sources: { tags: [`role-${(f + 1) % F}`], addresses: [`198.51.${f % 250}.0/24`] } },
        { protocol: 'tcp', ports: '22', sources: { addresses: ['203.0.113.0/24', '2001:db8::/32'] } },
        { protocol: 'tcp', ports: '443', sources: { addresses: ['0.0.0.0/0', '::/0'] } },
      ],
      outbound_rules: open,
    })),
  };
}

const rows: (string | number)[][] = [];
for (const [D, F] of sizes) {
  const emulator = await startEmulatorProcess(seed(D, F));
  const runs: Run[] = [];
  try {
    for (let i = 0; i < RUNS; i++) runs.push(runFwc(['import', '--all', '--policy', 'bench', '--api-url', emulator.url, '--as-of', '2026-11-24'], { DIGITALOCEAN_TOKEN: TOKEN, FWC_QUIET: '1' }));
  } finally {
    await emulator.stop();
  }
  if (runs[0]!.status !== 0) throw new Error(`fwc import exited with ${runs[0]!.status}: ${runs[0]!.stderr.slice(-2000)}`);
  const pairs = /proven exact on (\d+) host pairs/.exec(runs[0]!.stderr)?.[1] ?? '?';
  rows.push([D, F, pairs, runs[0]!.stdout.split('\n').length, median(runs.map((r) => r.wallMs)), median(runs.map((r) => r.maxRssMb ?? NaN))]);
}
table(['droplets', 'firewalls', 'host pairs proven', 'policy lines', 'median wall ms', 'median peak MB'], rows);
