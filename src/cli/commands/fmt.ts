/**
 * `fwc fmt [PATH…]`: rewrite policy files in the canonical layout (comments kept, meaning unchanged);
 * with --check, change nothing and fail when a file is not formatted.
 */
import { hasErrors, printable } from '../../diagnostics/index.js';
import { resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { Io } from '../io.js';
import { format, parse } from '../../syntax/index.js';
import { writeFileAtomic } from '../files.js';
import { readPolicies } from '../readPolicies.js';
import { DIAGNOSTICS_OPTION, reportDiagnostics } from '../report.js';

export const spec: CommandSpec = {
  name: 'fmt',
  usage: 'fwc fmt [PATH…] [--check]',
  summary: 'Rewrite policy files in the canonical layout. Comments are kept and the meaning never changes.',
  options: {
    check: { type: 'boolean', description: 'change nothing; fail when a file is not in the canonical layout' },
    diagnostics: DIAGNOSTICS_OPTION,
  },
  exitCodes: '0  every file formatted (or, with --check, already formatted)\n1  syntax errors, or unformatted files with --check\n2  usage error',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const input = readPolicies(args.positionals, io.cwd);
  const diagnostics = [...input.diagnostics];
  const unformatted: string[] = [];
  for (const file of input.files) {
    const parsed = parse(file);
    if (hasErrors(parsed.diagnostics)) {
      diagnostics.push(...parsed.diagnostics);
      continue;
    }
    const text = format(parsed.value);
    if (text === file.text) continue;
    unformatted.push(file.path);
    if (!args.values.check) writeFileAtomic(resolve(io.cwd, file.path), text);
  }
  const failed = reportDiagnostics(io, diagnostics, args.values.diagnostics, 'fmt');
  if (args.values.check) {
    for (const path of unformatted) io.stdout.write(`${printable(path)} is not formatted\n`);
    if (unformatted.length > 0) io.stderr.write(`run \`fwc fmt ${args.positionals.join(' ')}\` to format ${unformatted.length === 1 ? 'it' : 'them'}\n`);
    return failed || unformatted.length > 0 || input.files.length === 0 ? 1 : 0;
  }
  for (const path of unformatted) io.stdout.write(`formatted ${printable(path)}\n`);
  return failed || input.files.length === 0 ? 1 : 0;
}
