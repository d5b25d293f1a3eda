// The account an emulator starts with (src/emulator/startingAccount.ts): with both a state file and a
// seed, the state file's account wins and the seed's tokens still apply (src/emulator/README.md, "State
// file"); an empty seed path is no seed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { call, startTestEmulator } from '../helpers/emulator.js';

const DIR = mkdtempSync(join(tmpdir(), 'fwc-starting-'));
process.on('exit', () => rmSync(DIR, { recursive: true, force: true }));
const FW = (name: string) => ({ name, tags: ['web'], inbound_rules: [{ protocol: 'tcp', ports: '22', sources: { addresses: ['10.0.0.0/8'] } }] });
const names = (body: { firewalls: { name: string }[] }) => body.firewalls.map((f) => f.name).sort();

const Start = suite('starting account');
Start('a state file wins over the seed, and the seed still grants its tokens', async () => {
  const file = join(DIR, 'state.json');
  const first = await startTestEmulator({ seed: { tags: ['web'] }, stateFile: file });
  assert.is((await call(first, 'POST', '/v2/firewalls', FW('kept'))).status, 202);
  await first.stop();

  const seed = { tokens: [{ token: 'seed-reader', scopes: 'read' as const }], tags: ['web', 'other'], firewalls: [FW('from-seed')] };
  const second = await startTestEmulator({ seed, stateFile: file });
  try {
    assert.equal(names((await call(second, 'GET', '/v2/firewalls')).body), ['kept']);
    assert.equal(second.state().tags, ['web']);
    const asReader = await call(second, 'GET', '/v2/firewalls', undefined, 'seed-reader');
    assert.is(asReader.status, 200);
    assert.equal(names(asReader.body), ['kept']);
    assert.is((await call(second, 'POST', '/v2/firewalls', FW('refused'), 'seed-reader')).status, 403);
  } finally {
    await second.stop();
  }
});
Start('without a state file the seed is the account; an empty seed path is no seed', async () => {
  const seeded = await startTestEmulator({ seed: { tags: ['web'], firewalls: [FW('from-seed')] } });
  try {
    assert.equal(names((await call(seeded, 'GET', '/v2/firewalls')).body), ['from-seed']);
  } finally {
    await seeded.stop();
  }
  const empty = await startTestEmulator({ seed: '' });
  try {
    assert.equal(empty.state().firewalls, []);
    assert.equal(empty.state().tags, []);
  } finally {
    await empty.stop();
  }
});
Start.run();
