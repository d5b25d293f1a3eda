/**
 * `fwc import --all` round trips against the emulator on every seeded account under
 * test/fixtures/import/NAME/account.yaml (test/helpers/importRoundTrip.ts says what is checked), and the
 * policy it writes is the golden NAME/expected.fw.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import { assertGolden } from '../helpers/golden.js';
import { roundTrip } from '../helpers/importRoundTrip.js';

const FIXTURES = new URL('../fixtures/import/', import.meta.url).pathname;
export const withoutPort = (text: string) => text.replace(/http:\/\/127\.0\.0\.1:\d+/g, 'http://127.0.0.1:PORT');

const Trip = suite('round trip');
for (const name of readdirSync(FIXTURES).filter((n) => existsSync(join(FIXTURES, n, 'expected.fw'))).sort()) {
  Trip(`${name}: import --all, validate, plan, apply with every state equal to the start, plan again`, async () => {
    const { policy } = await roundTrip(join(FIXTURES, name, 'account.yaml'), ['--all']);
    assertGolden(withoutPort(policy), join(FIXTURES, name, 'expected.fw'));
  });
}
Trip.run();
