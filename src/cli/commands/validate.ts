/**
 * `fwc validate [PATH…]`: parse, check and compile policies, judge their expectations, and report every
 * problem. Writes nothing. Exit 0 when there is no error (warnings allowed), 1 otherwise.
 */
import { printable } from '../../diagnostics/index.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { Io } from '../io.js';
import { buildPolicies } from '../../pipeline/index.js';
import { readPolicies } from '../readPolicies.js';
import { AS_OF_OPTION, DIAGNOSTICS_OPTION, asOfDate, reportDiagnostics } from '../report.js';

export const spec: CommandSpec = {
  name: 'validate',
  usage: 'fwc validate [PATH…] [--as-of YYYY-MM-DD] [--diagnostics human|json]',
  summary: 'Check policy files (or folders of .fw files; default: the current folder) and report every problem.',
  options: { 'as-of': AS_OF_OPTION, diagnostics: DIAGNOSTICS_OPTION },
  exitCodes: '0  no errors (warnings allowed)\n1  errors in the input\n2  usage error',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const input = readPolicies(args.positionals, io.cwd);
  const built = buildPolicies(input.files, { asOf });
  const failed = reportDiagnostics(io, [...input.diagnostics, ...built.diagnostics], args.values.diagnostics, 'validate');
  if (args.values.diagnostics !== 'json') {
    for (const { policy, compiled } of built.policies) {
      const n = compiled.firewalls.length;
      const dbs = compiled.databases.length;
      const ex = policy.expectations.length;
      io.stdout.write(
        `ok ${printable(policy.file.path)}: policy ${policy.name}, ${n} firewall${n === 1 ? '' : 's'}` +
          (dbs > 0 ? `, ${dbs} database${dbs === 1 ? '' : 's'}` : '') +
          (ex > 0 ? `, ${ex} expectation${ex === 1 ? '' : 's'}` : '') +
          '\n',
      );
    }
  }
  return failed || input.files.length === 0 ? 1 : 0;
}
