// Policy diff: `fwc diff OLD.fw NEW.fw --format json` (the built CLI) on a generated 10,000-statement,
// 500-tag policy and a modified copy (every 100th grant removed, as many grants of another generated
// policy added): wall time and peak memory (/usr/bin/time -v), next to `fwc validate` of one version, since a
// diff builds both versions and then compares their reachability.
//
//   node --import tsx bench/diff.ts [STATEMENTS]
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePolicy } from '../test/helpers/generatePolicy.js';
import { QUICK, median, runFwc, table, tempDir, type Run } from './lib.js';

const STATEMENTS = Number(process.argv[2] ?? (QUICK ? 1000 : 10_000));
const RUNS = QUICK ? 1 : 3;
const options = { statements: STATEMENTS, tags: Math.min(500, STATEMENTS / 10), pools: 'wide', guardrails: 0.05, restricted: 0.2, resources: true, expiry: true } as const;
const isGrant = (line: string) => line.includes(' may reach ');

const old = generatePolicy(42, options).split('\n');
const grants = old.filter(isGrant);
const removed = new Set(grants.filter((_, i) => i % 100 === 50));
const added = generatePolicy(43, options).split('\n').filter(isGrant).slice(0, removed.size); // same names, other statements
const dir = tempDir();
const files = { old: join(dir, 'old.fw'), new: join(dir, 'new.fw') };
writeFileSync(files.old, old.join('\n'));
writeFileSync(files.new, [...old.filter((l) => !removed.has(l)), ...added].join('\n'));

const AS_OF = ['--as-of', '2026-11-24'];
const runs: Record<string, Run[]> = { 'fwc validate NEW': [], 'fwc diff OLD NEW --format json': [] };
for (let i = 0; i < RUNS; i++) {
  runs['fwc validate NEW']!.push(runFwc(['validate', files.new, ...AS_OF]));
  runs['fwc diff OLD NEW --format json']!.push(runFwc(['diff', files.old, files.new, '--format', 'json', ...AS_OF]));
}
const diff = runs['fwc diff OLD NEW --format json']![0]!;
if (diff.status !== 0) throw new Error(`fwc diff exited with ${diff.status}: ${diff.stderr.slice(-2000)}`);
const doc = JSON.parse(diff.stdout) as { summary: Record<string, number>; firewalls: { rules: { add: unknown[]; remove: unknown[] } }[] };
const s = doc.summary;

console.log(`${STATEMENTS} statements, ${options.tags} tags; NEW: ${removed.size} grants removed, ${added.length} added`);
table(
  ['command', 'runs', 'median wall ms', 'median peak MB'],
  Object.entries(runs).map(([name, rs]) => [name, rs.length, median(rs.map((r) => r.wallMs)), median(rs.map((r) => r.maxRssMb ?? NaN))]),
);
console.log(`diff: ${s.firewallsToCreate} firewalls to create, ${s.firewallsToUpdate} to update, ${s.firewallsToDelete} to delete, ` +
  `${doc.firewalls.reduce((n, f) => n + f.rules.add.length, 0)} rules added, ${doc.firewalls.reduce((n, f) => n + f.rules.remove.length, 0)} removed, ` +
  `${s.flowsAllowed} flow groups allowed, ${s.flowsBlocked} blocked; ${(diff.stdout.length / 1e6).toFixed(1)} MB of JSON`);
