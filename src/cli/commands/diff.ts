/**
 * `fwc diff`: what changes between two versions of policies — in rules and in who can reach whom —
 * with no account and no token: `fwc diff OLD NEW` (files or folders), or `fwc diff --base REF [PATH…]`
 * for the policies as they are now against a git revision.
 */
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError } from '../errors.js';
import type { Io } from '../io.js';
import { hasErrors } from '../../diagnostics/index.js';
import { buildPolicies, startAnalysesAside } from '../../pipeline/index.js';
import { computeDiff, planDocument } from '../../plan/index.js';
import { readPoliciesAt } from '../git.js';
import { DETAILED_EXITCODE_OPTION, PLAN_FORMAT_OPTION, planExitCode, printPlan } from '../planOutput.js';
import { readPolicies } from '../readPolicies.js';
import { AS_OF_OPTION, DIAGNOSTICS_OPTION, asOfDate, reportDiagnostics } from '../report.js';

export const spec: CommandSpec = {
  name: 'diff',
  usage: 'fwc diff OLD NEW | fwc diff --base REF [PATH…]  [--format text|markdown|json] [--detailed-exitcode]',
  summary: 'Show what changes between two versions of policies, in rules and in reachability. Needs no API.',
  description:
    'OLD and NEW are policy files or folders. With --base, the policies under PATH (default: the current\n' +
    'folder) are compared as they are now with how they were at the git revision REF.',
  options: {
    base: { type: 'string', value: 'REF', description: 'compare with the policies at this git revision' },
    format: PLAN_FORMAT_OPTION,
    'detailed-exitcode': DETAILED_EXITCODE_OPTION,
    'as-of': AS_OF_OPTION,
    diagnostics: DIAGNOSTICS_OPTION,
  },
  exitCodes: '0  compared (no changes, or changes without --detailed-exitcode)\n1  errors in either version\n2  usage error; with --detailed-exitcode, changes present',
};

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const base = args.values.base as string | undefined;
  let before;
  let after;
  if (base !== undefined) {
    before = { files: readPoliciesAt(base, args.positionals, io.cwd), diagnostics: [] };
    after = readPolicies(args.positionals, io.cwd);
  } else {
    if (args.positionals.length !== 2) throw new UsageError('fwc diff takes OLD and NEW (files or folders), or --base REF', 'run `fwc diff --help`');
    before = readPolicies([args.positionals[0]!], io.cwd);
    after = readPolicies([args.positionals[1]!], io.cwd);
  }
  // Of the old version only errors are reported (below): its warning-only lints are not run. A large new
  // version's analyses run on a second thread meanwhile (pipeline/buildThread.ts); the flows that change
  // are then worked out before its diagnostics are in, and reported after them all the same.
  const aside = startAnalysesAside(after.files, asOf);
  const old = buildPolicies(before.files, { asOf, lints: false });
  let now;
  let early = null;
  if (aside) {
    const compiled = aside.compile();
    if (!hasErrors(old.diagnostics) && !hasErrors(compiled.diagnostics)) early = computeDiff(old.policies, compiled.policies);
    now = await aside.finish(compiled);
  } else {
    now = buildPolicies(after.files, { asOf });
  }
  const label = base !== undefined ? `diff (at ${base})` : 'diff (old)';
  const oldFailed = reportDiagnostics(io, [...before.diagnostics, ...old.diagnostics.filter((d) => d.severity === 'error')], args.values.diagnostics, label);
  const newFailed = reportDiagnostics(io, [...after.diagnostics, ...now.diagnostics], args.values.diagnostics, 'diff');
  if (oldFailed || newFailed || after.files.length === 0) return 1;
  const diff = early ?? computeDiff(old.policies, now.policies);
  if (reportDiagnostics(io, diff.diagnostics, args.values.diagnostics, 'diff')) return 1;
  const doc = planDocument(diff.value);
  printPlan(io, doc, args.values.format);
  return planExitCode(doc, args.values['detailed-exitcode']);
}
