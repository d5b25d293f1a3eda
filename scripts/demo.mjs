// `npm run demo`: fwc's main job from start to end on this machine, with no account and no network.
// It starts the emulator with the demo account (examples/demo-account.yaml), then runs, as a user would:
//   fwc plan policies/shop.fw                      what applying would change, and the warnings
//   fwc apply policies/shop.fw --auto-approve      the change, step by step, without a gap
//   fwc plan policies/shop.fw --detailed-exitcode  "No changes." (exit 0)
// and stops the emulator. It exits non-zero if any of them does not do what it should.
// Needs the built CLI (`npm ci` builds it; else `npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const bin = `${root}bin/fwc.js`;
if (!existsSync(`${root}dist/fwc.cjs`)) {
  console.error('error: fwc is not built; run `npm run build` (npm ci does it) and try again');
  process.exit(1);
}

const token = 'fwc-demo-token';
const emulator = spawn(process.execPath, [bin, 'emulator', '--seed', `${root}examples/demo-account.yaml`, '--token', token, '--settle-ms', '800'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = await new Promise((resolve, reject) => {
  createInterface({ input: emulator.stdout }).once('line', resolve);
  emulator.once('exit', (code) => reject(new Error(`the emulator stopped (exit ${code}) before it printed its URL`)));
});

const env = { ...process.env, DIGITALOCEAN_TOKEN: token, DIGITALOCEAN_API_URL: url };
let failed = false;
function fwc(args, expectedCode) {
  process.stdout.write(`\n\x1b[1m$ fwc ${args.join(' ')}\x1b[0m\n`.replace(/\x1b\[[0-9;]*m/g, process.stdout.isTTY && !process.env.NO_COLOR ? '$&' : ''));
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env, stdio: 'inherit' });
  if (r.status !== expectedCode) {
    console.error(`demo: \`fwc ${args.join(' ')}\` exited ${r.status}, expected ${expectedCode}`);
    failed = true;
  }
  return r.status;
}

try {
  console.log(`The emulator of the DigitalOcean API is at ${url}, seeded with examples/demo-account.yaml.`);
  fwc(['plan', 'policies/shop.fw'], 0);
  if (!failed) fwc(['apply', 'policies/shop.fw', '--auto-approve'], 0);
  if (!failed) fwc(['plan', 'policies/shop.fw', '--detailed-exitcode'], 0);
} finally {
  emulator.kill('SIGTERM');
}
console.log(failed ? '\ndemo: FAILED' : '\ndemo: done. The account matches policies/shop.fw; a second plan shows no changes.');
process.exit(failed ? 1 : 0);
