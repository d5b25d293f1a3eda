/**
 * `fwc plan [PATH…]`: reads the account and shows what applying the policies would change — in who can
 * reach whom, and rule by rule — with the warnings to read before applying. `--out` saves the plan for
 * `fwc show` and `fwc apply PLANFILE`.
 */
import { resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { Io } from '../io.js';
import { planDocument } from '../../plan/index.js';
import { API_URL_OPTION, VERSION, connect, planPolicies } from '../account.js';
import { writeFileAtomic } from '../files.js';
import { DETAILED_EXITCODE_OPTION, PLAN_FORMAT_OPTION, planExitCode, printPlan } from '../planOutput.js';
import { AS_OF_OPTION, DIAGNOSTICS_OPTION, asOfDate } from '../report.js';

export const spec: CommandSpec = {
  name: 'plan',
  usage: 'fwc plan [PATH…] [--api-url URL] [--out PLANFILE] [--format text|markdown|json] [--detailed-exitcode]',
  summary: 'Compare the policies with the live account and show what applying them would change.',
  description:
    'Needs a token in DIGITALOCEAN_TOKEN (or DIGITALOCEAN_ACCESS_TOKEN); read scopes are enough. Only the\n' +
    'firewalls named fwc-<policy>-… are managed; every other firewall is read and left alone.',
  options: {
    'api-url': API_URL_OPTION,
    out: { type: 'string', value: 'PLANFILE', description: 'also save the plan (JSON) for `fwc show` and `fwc apply PLANFILE`' },
    format: PLAN_FORMAT_OPTION,
    'detailed-exitcode': DETAILED_EXITCODE_OPTION,
    'as-of': { ...AS_OF_OPTION },
    diagnostics: DIAGNOSTICS_OPTION,
  },
  exitCodes: '0  planned (no changes, or changes without --detailed-exitcode)\n1  errors (policies, token, API)\n2  usage error; with --detailed-exitcode, changes present',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const connection = connect(io, args.values['api-url']);
  const planned = await planPolicies(io, connection, args.positionals, asOf, args.values.diagnostics);
  if (!planned) return 1;
  const doc = planDocument(planned.plan);
  printPlan(io, doc, args.values.format);
  const out = args.values.out as string | undefined;
  if (out) {
    const saved = planDocument(planned.plan, { fwcVersion: VERSION, createdAt: new Date().toISOString(), apiUrl: connection.apiUrl });
    writeFileAtomic(resolve(io.cwd, out), JSON.stringify(saved, null, 2) + '\n');
    io.stderr.write(`saved the plan to ${out}; apply it with \`fwc apply ${out}\`\n`);
  }
  return planExitCode(doc, args.values['detailed-exitcode']);
}
