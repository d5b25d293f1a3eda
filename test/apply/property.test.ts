// The property of `fwc apply`: for generated pairs of policies whose rules overlap (narrowed, widened,
// split, merged, sources swapped, guardrails, database grants, egress), in a world drawn from every
// combination of the emulator's behaviours, with and without injected faults, every state the account
// passes through — recorded after each mutating request — keeps what both versions allow and lets in
// nothing neither allows; the apply ends with a clean plan; and a fault-free apply of such an ordinary
// change never replaces a whole firewall.
// FWC_APPLY_PROPERTY_RUNS sets the number of pairs (CI: 36); FWC_APPLY_PROPERTY_SEED the first seed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPolicies } from '../../src/pipeline/build.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { assertNoContractViolations } from '../helpers/emulator.js';
import { ALL_WORLDS, AS_OF, applyRecorded, worldName } from '../helpers/applyWorld.js';
import { CHANGE_DATABASES, CHANGE_SEED, generateChange } from '../helpers/generateChange.js';

const RUNS = Number(process.env.FWC_APPLY_PROPERTY_RUNS ?? 36);
const FIRST = Number(process.env.FWC_APPLY_PROPERTY_SEED ?? 1);
const FAST_RETRIES = { DIGITALOCEAN_HTTP_RETRY_WAIT_MIN: '0.002', DIGITALOCEAN_HTTP_RETRY_WAIT_MAX: '0.01', DIGITALOCEAN_HTTP_RETRY_MAX: '2' };

const compiles = (text: string) => buildPolicies([new SourceFile('p.fw', text)], { asOf: AS_OF }).diagnostics.every((d) => d.severity !== 'error');

const Property = suite('apply property');
Property(`${RUNS} generated changes × API worlds × faults: no recorded state cuts or opens a flow`, async () => {
  let judged = 0;
  let states = 0;
  let faulted = 0;
  let skipped = 0;
  let databaseChanges = 0;
  for (let seed = FIRST; seed < FIRST + RUNS; seed++) {
    const pair = generateChange(seed);
    if (!compiles(pair.old) || !compiles(pair.new)) {
      skipped++;
      continue;
    }
    // Worlds are drawn by seed from the whole product; every third pair also meets faults (5xx, resets
    // before and after the change) and is applied again until it finishes.
    const world = ALL_WORLDS[(seed * 7919) % ALL_WORLDS.length]!;
    const faults = seed % 3 === 0 ? `seed=${seed};rate=0.2;kinds=500,502,503,reset-before,reset-after;latency=0-2ms` : undefined;
    const r = await applyRecorded({ seed: CHANGE_SEED, behaviour: world }, pair.old, pair.new, {
      env: faults ? FAST_RETRIES : {},
      ...(faults ? { faults } : {}),
      runs: faults ? 8 : 1,
      databases: CHANGE_DATABASES,
    });
    const where = `seed ${seed}, ${worldName(world)}${faults ? ', faults' : ''}; changes: ${pair.mutations.join('; ')}\n--- old\n${pair.old}--- new\n${pair.new}`;
    try {
      assert.is(r.result.code, 0, `${where}\napply failed:\n${r.result.stdout}${r.result.stderr}`);
      assert.equal(r.gaps, [], `${where}\nrequests: ${r.requests.join('; ')}`);
      assert.is(r.cleanAfter, true, `${where}\na fresh plan is not clean`);
      if (!faults) {
        assert.equal(r.requests.filter((q) => q.startsWith('PUT /v2/firewalls')), [], `${where}\na whole-firewall PUT in a fault-free apply`);
        assert.not.match(r.result.stdout, /correcting it/, `${where}\na fault-free apply needed a correction:\n${r.result.stdout}`);
      }
      assertNoContractViolations(r.em, { probes: true });
    } finally {
      await r.em.stop();
    }
    judged++;
    states += r.requests.length;
    if (faults) faulted++;
    if (r.requests.some((q) => q.startsWith('PUT /v2/databases'))) databaseChanges++;
  }
  if (process.env.FWC_VERBOSE) console.log(`${judged} pairs judged (${faulted} with faults, ${databaseChanges} changing trusted sources), ${states} recorded states, ${skipped} pairs skipped (did not compile)`);
  assert.ok(judged >= RUNS * 0.8, `only ${judged} of ${RUNS} generated pairs compiled`);
  assert.ok(states >= judged, `only ${states} states were recorded: the changes change nothing`);
  assert.ok(databaseChanges > 0, 'no pair changed a database\'s trusted sources: that part is untested');
});
Property.run();
