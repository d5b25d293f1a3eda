/**
 * Command-line parsing on top of Node's own `util.parseArgs`, with fwc's help text and usage errors.
 */
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** Shown in help: `--format FORMAT`. */
  readonly value?: string;
  readonly description: string;
  /** Allowed values of a string option. */
  readonly choices?: readonly string[];
}

export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly description?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly exitCodes?: string;
}

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Parses `argv` for a command; a mistake becomes a UsageError that names the flag and points at --help. */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedArgs & { help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, o] of Object.entries({ ...spec.options, help: HELP })) {
    options[name] = { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message
      .replace(/^Unknown option '([^']+)'.*$/s, "unknown option '$1'")
      .replace(/^Option '([^']+)' argument missing$/s, "option '$1' needs a value")
      .replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${message} (fwc ${spec.name})`, `run \`fwc ${spec.name} --help\` for the options`);
  }
  const values = parsed.values as ParsedArgs['values'];
  for (const [name, o] of Object.entries(spec.options)) {
    const v = values[name];
    if (o.choices && typeof v === 'string' && !o.choices.includes(v)) {
      throw new UsageError(
        `--${name} must be one of ${o.choices.join(', ')}, not '${v}' (fwc ${spec.name})`,
        `run \`fwc ${spec.name} --help\` for the options`,
      );
    }
  }
  return { values, positionals: parsed.positionals, help: values.help === true };
}

/** The help text of a command: usage, summary, options with their descriptions, exit codes. */
export function renderHelp(spec: CommandSpec): string {
  const lines = [`Usage: ${spec.usage}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  const rows = Object.entries({ ...spec.options, help: HELP }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    const choices = o.choices ? ` (${o.choices.join('|')})` : '';
    return [flag, o.description + choices] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  lines.push('', 'Options:');
  for (const [flag, text] of rows) lines.push(`  ${flag.padEnd(width)}  ${text}`);
  if (spec.exitCodes) lines.push('', 'Exit codes:', ...spec.exitCodes.split('\n').map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}
