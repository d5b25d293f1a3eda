/**
 * `fwc emulator`: runs the local DigitalOcean API (src/emulator/) on loopback until SIGINT or SIGTERM.
 * The first line on stdout is its base URL, so scripts can read it.
 */
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { ApiFailure, DEFAULT_TOKEN, parseBehaviour, parseFaults, parseRateLimit, SeedError, startEmulator, type EmulatorOptions } from '../../emulator/index.js';

export const spec: CommandSpec = {
  name: 'emulator',
  usage: 'fwc emulator [--port N] [--state FILE] [--seed FILE] [--token T]… [--read-only-token T]… [--faults SPEC] [--rate-limit SPEC]',
  summary: 'Run a local DigitalOcean API (firewalls, tags, droplets, load balancers, clusters, databases) on 127.0.0.1.',
  description:
    'Prints its base URL as the first line on stdout and runs until SIGINT or SIGTERM. Without --token it\n' +
    `accepts the token \`${DEFAULT_TOKEN}\`. Seed file, fault and rate-limit formats: src/emulator/README.md.`,
  options: {
    port: { type: 'string', value: 'N', description: 'port on 127.0.0.1 (default: any free port)' },
    state: { type: 'string', value: 'FILE', description: 'keep the account in FILE (loaded if present, written atomically on every change)' },
    seed: { type: 'string', value: 'FILE', description: 'start from the account in FILE (JSON or YAML)' },
    token: { type: 'string', value: 'T', multiple: true, description: 'accept T with every scope (repeatable)' },
    'read-only-token': { type: 'string', value: 'T', multiple: true, description: 'accept T with the *:read scopes only (repeatable)' },
    faults: { type: 'string', value: 'SPEC', description: 'inject faults: seed=7;rate=0.2;kinds=500,503,429,reset-before,reset-after;latency=0-40ms' },
    'rate-limit': { type: 'string', value: 'SPEC', description: 'rate limits per token (default 250/min,5000/h; off to disable)' },
    behaviour: { type: 'string', value: 'SPEC', description: 'choices where the real API is unknown, e.g. duplicateRule=error,allPortsWrite=0+all' },
    'settle-ms': { type: 'string', value: 'MS', description: 'time until changed firewalls report succeeded (default 300)' },
    'request-log': { type: 'string', value: 'FILE', description: 'append one JSON line per request to FILE' },
  },
  exitCodes: '0  stopped by SIGINT or SIGTERM\n1  bad seed or state file, or the port is taken\n2  usage error',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const v = args.values;
  if (args.positionals.length > 0) throw new UsageError('fwc emulator takes no arguments');
  const port = v.port === undefined ? 0 : Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port takes a port number, not '${String(v.port)}'`);
  const settle = v['settle-ms'] === undefined ? 300 : Number(v['settle-ms']);
  if (!Number.isFinite(settle) || settle < 0) throw new UsageError(`--settle-ms takes a number of milliseconds, not '${String(v['settle-ms'])}'`);
  const tokens = [
    ...((v.token as string[] | undefined) ?? []).map((token) => ({ token, scopes: 'all' as const })),
    ...((v['read-only-token'] as string[] | undefined) ?? []).map((token) => ({ token, scopes: 'read' as const })),
  ];
  const options: EmulatorOptions = { port, settleMs: settle };
  try {
    if (tokens.length > 0) options.tokens = tokens;
    if (v.seed !== undefined) options.seed = String(v.seed);
    if (v.state !== undefined) options.stateFile = String(v.state);
    if (v.faults !== undefined) options.faults = parseFaults(String(v.faults));
    if (v['rate-limit'] !== undefined) options.rateLimit = parseRateLimit(String(v['rate-limit']));
    if (v.behaviour !== undefined) options.behaviour = parseBehaviour(String(v.behaviour));
    if (v['request-log'] !== undefined) options.requestLog = String(v['request-log']);
  } catch (error) {
    if (error instanceof ApiFailure) throw new UsageError(error.message, 'see src/emulator/README.md for the formats');
    throw error;
  }
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    if (error instanceof SeedError) throw new UserError(error.message, 1, 'the seed file format is in src/emulator/README.md');
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on 127.0.0.1 is in use`, 1, 'choose another with --port, or 0 for any');
    if (error instanceof Error && /state file/.test(error.message)) throw new UserError(error.message);
    throw error;
  }
  io.stdout.write(`${emulator.url}\n`);
  if (tokens.length === 0) io.stderr.write(`emulator: token ${DEFAULT_TOKEN} (every scope); stop with Ctrl-C\n`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    else io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await emulator.stop();
  io.stderr.write('emulator: stopped\n');
  return 0;
}
