// Apply under DigitalOcean's rate limits: `fwc apply --auto-approve --allow-lockout` (the built CLI)
// against the emulator with its DEFAULT limits (250/min, 5,000/h per token) and settleMs 50. Phase 1
// applies a generated 300-tag policy to an account with the tags and droplets but no firewalls (300
// creates); phase 2 applies a copy that changes one grant on each of 100 tags. For each phase: requests
// made (from the emulator's log), mutating requests per changed firewall, 429s met, wall time, and
// whether a following `fwc plan --detailed-exitcode` shows no changes. (A marker that a broader grant
// already covers compiles to nothing, so a tag or two may not change.) Takes minutes: at 240 requests a
// minute (fwc's own pacing) 300 creates alone need 75 s.
//
//   node --import tsx bench/apply.ts
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePolicy } from '../test/helpers/generatePolicy.js';
import { QUICK, TOKEN, countBy, runFwc, seedAccount, startEmulatorProcess, table, tagName, tempDir } from './lib.js';

const TAGS = QUICK ? 30 : 300;
const CHANGED = QUICK ? 10 : 100;
const AS_OF = ['--as-of', '2026-11-24'];

// Phase 1: a generated policy plus one marker grant on each of CHANGED tags; phase 2 moves the marker's port.
const base = generatePolicy(7, { statements: TAGS * 2, tags: TAGS, pools: 'wide', guardrails: 0.05, restricted: 0.2 });
const marker = (port: number) => Array.from({ length: CHANGED }, (_, i) => `10.99.0.0/16 may reach ${tagName(i * Math.floor(TAGS / CHANGED))} on tcp ${port}`).join('\n');
const dir = tempDir();
const v1 = join(dir, 'v1.fw');
const v2 = join(dir, 'v2.fw');
writeFileSync(v1, `${base}${marker(6001)}\n`);
writeFileSync(v2, `${base}${marker(6002)}\n`);

const emulator = await startEmulatorProcess(seedAccount({ tags: TAGS, droplets: TAGS * 3, firewalls: 0 }), { settleMs: 50 });
const env = { DIGITALOCEAN_TOKEN: TOKEN, FWC_QUIET: '1' };
const cli = (command: string, file: string, ...more: string[]) => runFwc([command, file, '--api-url', emulator.url, ...AS_OF, ...more], env);

const rows: (string | number)[][] = [];
const byOperation: [string, [string, number][]][] = [];
for (const [phase, file] of [['1: create', v1], ['2: change', v2]] as const) {
  const before = emulator.requests().length;
  const applied = cli('apply', file, '--auto-approve', '--allow-lockout');
  const log = emulator.requests().slice(before);
  const after = cli('plan', file, '--detailed-exitcode');
  // "Apply complete! 300 created, 0 updated, 0 destroyed (…)"
  const done = /Apply complete!\S* (\d+) created, (\d+) updated, (\d+) destroyed/.exec(applied.stdout);
  if (applied.status !== 0 || !done) console.log(`phase ${phase}: fwc apply exited with ${applied.status}\n${applied.stdout.slice(-1500)}\n${applied.stderr.slice(-1500)}`);
  const changed = done ? Number(done[1]) + Number(done[2]) + Number(done[3]) : NaN;
  const mutating = log.filter((e) => e.method !== 'GET' && e.status !== null && e.status < 300).length; // not the scope probes (4xx)
  rows.push([
    phase,
    done ? `${done[1]}+ ${done[2]}~ ${done[3]}-` : 'failed',
    log.length,
    mutating,
    mutating / changed,
    log.filter((e) => e.status === 429).length,
    applied.wallMs / 1000,
    after.status === 0 ? 'no changes' : after.status === 2 ? 'CHANGES' : `error ${after.status}`,
  ]);
  byOperation.push([phase, countBy(log, (e) => `${e.operationId ?? e.path} ${e.status}`)]);
}
await emulator.stop();

console.log(`policy: ${TAGS} tags (${TAGS * 2} generated statements + ${CHANGED} marker grants), ${TAGS * 3} droplets; emulator limits 250/min, 5000/h`);
table(['phase', 'firewalls', 'requests', 'mutating 2xx', 'mutating/fw', '429s', 'wall s', 'plan after'], rows);
for (const [phase, counts] of byOperation) {
  console.log(`phase ${phase}, requests by operation and status:`);
  table(['  operation status', 'requests'], counts.map(([k, n]) => [`  ${k}`, n]));
}
