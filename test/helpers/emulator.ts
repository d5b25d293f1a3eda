/**
 * The emulator for test suites: contract checking on, rate limits off and firewalls settling at once
 * unless a test asks otherwise; and the assertion every suite ends with, that nothing the emulator sent
 * or received broke the OpenAPI contract and no handler failed.
 */
import * as assert from 'uvu/assert';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/index.js';

export const TOKEN = 'fwc-emulator-token';

export function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  // unref: a test that fails before stop() must not keep its file running.
  return startEmulator({ contract: 'record', rateLimit: 'off', settleMs: 0, unref: true, ...options });
}

/**
 * The requests `fwc apply` sends on purpose invalid, to learn whether the token has a write scope without
 * changing anything (src/cli/commands/apply.ts, PROBES): an empty body can never create or change a thing.
 */
const SCOPE_PROBES = new Set(['firewalls_create', 'firewalls_update', 'databases_update_firewall_rules']);

/**
 * Checks what the emulator recorded. `requests: false` for suites that send invalid requests on purpose
 * (the emulator's own tests); client suites check requests too: every request fwc sends must be valid,
 * but for apply's scope probes (`probes: true` where an apply ran), which break the schema by design.
 */
export function assertNoContractViolations(emulator: Emulator, { requests = true, probes = false }: { requests?: boolean; probes?: boolean } = {}): void {
  assert.equal(emulator.internalErrors(), [], 'the emulator failed inside a handler');
  const probe = (v: ReturnType<Emulator['contractViolations']>[number]) =>
    probes && v.direction === 'request' && SCOPE_PROBES.has(v.operationId) && v.errors.every((e) => e.path === '/' || e.path === '/rules');
  const violations = emulator.contractViolations().filter((v) => (requests || v.direction === 'response') && !probe(v));
  assert.equal(violations, [], 'a request or response broke the OpenAPI contract');
}

/** A fetch against the emulator with the default token. */
export async function call(
  emulator: Emulator,
  method: string,
  path: string,
  body?: unknown,
  token: string | null = TOKEN,
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(emulator.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed, headers: response.headers };
}
