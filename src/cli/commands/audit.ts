/**
 * `fwc audit`: reads the whole account (a read-only token is enough) and reports what it really
 * exposes — judged on DigitalOcean's semantics over every firewall, managed or not — and, with
 * `--policy`, where the account and the policy part. For people (text, markdown) and for code scanning
 * and CI (sarif, github, json). Exit code 1 when a finding not accepted is at or above `--fail-on`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { atLeast, audit, type AuditInput, type Level, LEVELS, parseSuppressions, renderGithub, renderJson, renderMarkdown, renderSarif, renderText, SUPPRESSION_FILE, SuppressionError } from '../../audit/index.js';
import type { Diagnostic } from '../../diagnostics/index.js';
import { readAccount } from '../../digitalocean/index.js';
import { buildPolicies } from '../../pipeline/index.js';
import { resolveDesired } from '../../plan/index.js';
import { API_URL_OPTION, VERSION, api, connect } from '../account.js';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { readPolicies } from '../readPolicies.js';
import { AS_OF_OPTION, DIAGNOSTICS_OPTION, asOfDate, reportDiagnostics } from '../report.js';

export const spec: CommandSpec = {
  name: 'audit',
  usage: 'fwc audit [--api-url URL] [--policy PATH…] [--format text|json|sarif|markdown|github] [--fail-on LEVEL] [--min-level LEVEL]',
  summary: "Report the account's real exposure: what the internet can reach, open databases, dead firewall entries, and drift from the policy.",
  description:
    'Needs a token in DIGITALOCEAN_TOKEN (or DIGITALOCEAN_ACCESS_TOKEN); read scopes are enough. Every\n' +
    'firewall is judged, managed or not, on DigitalOcean\'s semantics (the allow rules of every firewall on\n' +
    'a droplet add up, deny rules win, no firewall means open). Findings are accepted with a reason in\n' +
    `${SUPPRESSION_FILE} (or --suppressions FILE). \`fwc explain FW802\` explains a rule.`,
  options: {
    'api-url': API_URL_OPTION,
    policy: { type: 'string', multiple: true, value: 'PATH', description: 'also compare with these policy files or folders (drift, expired grants, `must not`); repeatable' },
    format: { type: 'string', value: 'FORMAT', description: 'output format (default text)', choices: ['text', 'json', 'sarif', 'markdown', 'github'] },
    'fail-on': { type: 'string', value: 'LEVEL', description: 'exit 1 when a finding is at or above this level (default error; none: never)', choices: [...LEVELS, 'none'] },
    'min-level': { type: 'string', value: 'LEVEL', description: 'show findings at or above this level (default note: all)', choices: [...LEVELS] },
    'wide-range': { type: 'string', value: 'PORTS', description: 'FW804: report ranges of more ports than this open to the internet (default 100)' },
    anchor: {
      type: 'string',
      value: 'FILE',
      description: 'SARIF: the repository file account findings are placed on, since code scanning needs one (default: the first --policy file)',
    },
    suppressions: { type: 'string', value: 'FILE', description: `accepted findings (default: ${SUPPRESSION_FILE} in the current folder, if there is one)` },
    'as-of': { ...AS_OF_OPTION, description: 'judge `until` dates (policy and acceptances) as of this day (default: today, UTC)' },
    diagnostics: DIAGNOSTICS_OPTION,
  },
  exitCodes: '0  no finding at or above --fail-on\n1  some finding is (or the policies, token or API failed)\n2  usage error',
};

function readSuppressions(io: Io, flag: unknown): AuditInput['suppressions'] {
  const given = typeof flag === 'string';
  const path = given ? (flag as string) : SUPPRESSION_FILE;
  const absolute = resolve(io.cwd, path);
  if (!given && !existsSync(absolute)) return undefined;
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read the suppression file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1, 'give an existing file with --suppressions, or leave the flag out');
  }
  try {
    return { path, entries: parseSuppressions(path, text) };
  } catch (error) {
    if (error instanceof SuppressionError) throw new UserError(`suppression file: ${error.message}`, 1, 'see `fwc audit --help` and the README section "fwc audit" for the format');
    throw error;
  }
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`fwc audit takes no arguments (got '${args.positionals[0]}'); give policy files with --policy`);
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const wideText = args.values['wide-range'];
  const wideRange = wideText === undefined ? 100 : Number(wideText);
  if (!Number.isInteger(wideRange) || wideRange < 1 || wideRange > 65535) throw new UsageError(`--wide-range takes a number of ports from 1 to 65535, not '${String(wideText)}' (fwc audit)`);
  const failOn = (args.values['fail-on'] as Level | 'none' | undefined) ?? 'error';
  const minLevel = (args.values['min-level'] as Level | undefined) ?? 'note';
  const suppressions = readSuppressions(io, args.values.suppressions);
  const policyPaths = (args.values.policy as string[] | undefined) ?? [];

  let policy: AuditInput['policy'];
  let anchorFile: string | undefined;
  const report = (ds: readonly Diagnostic[]) => reportDiagnostics(io, ds, args.values.diagnostics, 'audit');
  const connection = connect(io, args.values['api-url']);
  let built: ReturnType<typeof buildPolicies> | undefined;
  if (policyPaths.length > 0) {
    const input = readPolicies(policyPaths, io.cwd);
    built = buildPolicies(input.files, { asOf });
    if (report([...input.diagnostics, ...built.diagnostics])) return 1;
    if (input.files.length === 0) throw new UserError(`no .fw files under ${policyPaths.join(', ')}`, 1, 'give policy files or folders with --policy');
    anchorFile = relative(io.cwd, resolve(io.cwd, input.files[0]!.path)).replace(/\\/g, '/');
  }
  if (typeof args.values.anchor === 'string') anchorFile = relative(io.cwd, resolve(io.cwd, args.values.anchor)).replace(/\\/g, '/');
  const account = await api(() => readAccount(connection.client));
  if (built) {
    const resolved = resolveDesired(built.policies, account);
    if (report(resolved.diagnostics)) return 1;
    policy = { built: built.policies, desired: resolved.value };
  }
  const result = audit({ account, wideRange, asOf, ...(policy ? { policy } : {}), ...(suppressions ? { suppressions } : {}) });
  for (const s of result.unusedSuppressions) io.stderr.write(`warning: ${suppressions!.path}:${s.line}: \`${s.pattern}\` accepts no finding of this audit; remove it if the finding is gone\n`);
  const shown = atLeast(result.findings, minLevel);
  switch ((args.values.format as string | undefined) ?? 'text') {
    case 'json':
      io.stdout.write(renderJson(result, shown, VERSION));
      break;
    case 'sarif':
      io.stdout.write(renderSarif(shown, { fwcVersion: VERSION, ...(anchorFile ? { anchorFile } : {}) }));
      break;
    case 'markdown':
      io.stdout.write(renderMarkdown(result, shown));
      break;
    case 'github':
      io.stdout.write(renderGithub(shown));
      break;
    default:
      io.stdout.write(renderText(result, shown));
  }
  if (failOn === 'none') return 0;
  return atLeast(result.findings, failOn).some((f) => !f.accepted) ? 1 : 0;
}
