/**
 * The fwc command line: finds the command, loads only its module, runs it, and turns what escapes it
 * into an exit code. Only this folder prints or exits (the commands, and the helpers they share in
 * account.ts and report.ts); the language server writes through its own connection.
 */
import { printable } from '../diagnostics/index.js';
import { parseCommand, renderHelp, type CommandSpec, type ParsedArgs } from './args.js';
import { UsageError, UserError } from './errors.js';
import type { Io } from './io.js';

/** How many first letters of an unknown command suggest a known one (`fwc vali` → `fwc validate`). */
const COMMAND_PREFIX = 3;

/** What a command module exports. */
export interface CommandModule {
  readonly spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

interface Entry {
  readonly summary: string;
  readonly load: () => Promise<CommandModule>;
}

/** Every command, in the order `fwc help` lists them. Modules load on demand to keep startup short. */
const COMMANDS: Readonly<Record<string, Entry>> = {
  validate: { summary: 'check policy files and report every problem', load: () => import('./commands/validate.js') },
  compile: { summary: 'compile policies to DigitalOcean firewall request bodies', load: () => import('./commands/compile.js') },
  fmt: { summary: 'rewrite policy files in the canonical layout', load: () => import('./commands/fmt.js') },
  explain: { summary: 'explain a diagnostic code (fwc explain FW201)', load: () => import('./commands/explain.js') },
  plan: { summary: 'show what applying the policies would change in the account', load: () => import('./commands/plan.js') },
  apply: { summary: 'make the account match the policies, safely', load: () => import('./commands/apply.js') },
  import: { summary: 'write a policy that does exactly what existing firewalls do (adoption)', load: () => import('./commands/import.js') },
  diff: { summary: 'show what changes between two versions of policies (no API)', load: () => import('./commands/diff.js') },
  audit: { summary: "report the account's real exposure (SARIF, JSON, Markdown, text)", load: () => import('./commands/audit.js') },
  show: { summary: 'render a plan saved with `fwc plan --out`', load: () => import('./commands/show.js') },
  emulator: { summary: 'run a local DigitalOcean API emulator', load: () => import('./commands/emulator.js') },
  lsp: { summary: 'run the language server for editors (LSP over stdio)', load: () => import('./commands/lsp.js') },
};

export const INTERNAL_ERROR_EXIT = 70;
const REPORT_URL = 'https://github.com/fwc-dev/fwc/issues';

function renderTopHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'fwc: a firewall policy compiler for DigitalOcean Cloud Firewalls',
    '',
    'Usage: fwc COMMAND [OPTIONS] [ARGS]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, e]) => `  ${name.padEnd(width)}  ${e.summary}`),
    '',
    'Run `fwc COMMAND --help` for a command\'s options. Exit codes: 0 ok, 1 problems in the input,',
    '2 usage errors, 70 internal errors (a bug in fwc).',
    '',
  ].join('\n');
}

/** Runs fwc with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      const topic = name === 'help' ? rest[0] : undefined;
      if (topic && COMMANDS[topic]) {
        io.stdout.write(renderHelp((await COMMANDS[topic].load()).spec));
        return 0;
      }
      (name === undefined ? io.stderr : io.stdout).write(renderTopHelp());
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === 'version') {
      io.stdout.write(`fwc ${VERSION}\n`);
      return 0;
    }
    const entry = COMMANDS[name];
    if (!entry) {
      const near = Object.keys(COMMANDS).find((c) => c.startsWith(name.slice(0, COMMAND_PREFIX)));
      throw new UsageError(`unknown command '${name}'`, near ? `did you mean \`fwc ${near}\`?` : 'run `fwc help` for the commands');
    }
    const command = await entry.load();
    const args = parseCommand(command.spec, rest);
    if (args.help) {
      io.stdout.write(renderHelp(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${printable(error.message)}\n${error.help ? `  = help: ${printable(error.help)}\n` : ''}`);
      return 2;
    }
    if (error instanceof UserError) {
      io.stderr.write(`error: ${printable(error.message)}\n${error.help ? `  = help: ${printable(error.help)}\n` : ''}`);
      return error.exitCode;
    }
    // Ctrl-C (or SIGTERM) stopped a request or a wait: not a bug.
    if (io.signal.aborted) {
      io.stderr.write('interrupted; run the command again to finish.\n');
      return 130;
    }
    const e = error instanceof Error ? error : new Error(String(error));
    io.stderr.write(
      `internal error: ${e.message}\n` +
        `This is a bug in fwc, not a problem with your input. Please report it at ${REPORT_URL}\n` +
        `with the command you ran and the lines below.\n` +
        `${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}\n`,
    );
    return INTERNAL_ERROR_EXIT;
  }
}

declare const FWC_VERSION: string | undefined;
const VERSION = typeof FWC_VERSION === 'string' ? FWC_VERSION : 'dev';
