/**
 * `fwc explain CODE`: what a diagnostic means, with an example and the fix; without CODE, every code.
 */
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { CODES, lookupCode } from '../../diagnostics/index.js';
import { ALL_RULES, lookupRule } from '../../audit/index.js';

export const spec: CommandSpec = {
  name: 'explain',
  usage: 'fwc explain [CODE]',
  summary: 'Explain a diagnostic code or an audit rule (FW201, 201, unknown-name, FW802); without a code, list them all.',
  options: {},
  exitCodes: '0  explained\n2  no such code',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const [query, ...extra] = args.positionals;
  if (extra.length > 0) throw new UsageError('fwc explain takes one code');
  if (query === undefined) {
    for (const c of Object.values(CODES)) io.stdout.write(`${c.code}  ${c.severity.padEnd(7)}  ${c.name.padEnd(24)}  ${c.title}\n`);
    // Audit rules (FW8xx) live with the audit (src/audit/rules.ts); their level is the SARIF default.
    for (const r of ALL_RULES) io.stdout.write(`${r.id}  ${r.level.padEnd(7)}  ${r.name.padEnd(24)}  ${r.short} (fwc audit)\n`);
    return 0;
  }
  // A name can be both a diagnostic's and an audit rule's (`no-firewall`: FW711 at plan time, FW801 in an
  // audit): then both are explained.
  const info = lookupCode(query);
  const rule = lookupRule(query);
  if (!info && !rule) throw new UsageError(`no diagnostic code '${query}'`, 'run `fwc explain` for the list of codes');
  const texts = [
    ...(info ? [`${info.code} (${info.name}, ${info.severity}): ${info.title}\n\n${info.explanation}\n`] : []),
    ...(rule ? [`${rule.id} (${rule.name}, ${rule.level}, fwc audit): ${rule.short}\n\n${rule.full}\n\nFix: ${rule.help}\n`] : []),
  ];
  io.stdout.write(texts.join('\n'));
  return 0;
}
