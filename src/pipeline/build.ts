/**
 * The whole offline pipeline over a set of policy files: parse, check, compile, then the analyses that
 * need compiled firewalls (expectations and lints). Every command that starts from policy files
 * (validate, compile, diff, plan, apply) goes through here, so they all report the same diagnostics.
 */
import { check, type Policy } from '../check/index.js';
import { compile, releaseEffects } from '../compile/index.js';
import type { CompiledPolicy } from '../model/index.js';
import { ERROR_RULES, LintContext, Network, NETWORK_RULES, NetworkLintContext, POLICY_LINTS } from '../analysis/index.js';
import { diagnostic, hasErrors, runRules, sortDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import type { SourceFile } from '../source/index.js';
import { parse, type PolicyFile } from '../syntax/index.js';
import { applyIgnores } from './ignores.js';
import { matchInParallel } from './parallelMatch.js';

export interface BuildOptions {
  /** YYYY-MM-DD (UTC): the day expiry is judged on. */
  readonly asOf: string;
  /**
   * How a file is parsed: syntax/parse.ts by default, sharing a large file's grammar matching with a
   * second thread where the CLI has the worker (parallelMatch.ts). The language server passes one that reuses the
   * statements of the previous keystroke (src/lsp/incrementalParse.ts); it must give the same result.
   */
  readonly parse?: (file: SourceFile) => { value: PolicyFile; diagnostics: Diagnostic[] };
  /**
   * false: skip the lints that only ever warn (overridden and shadowed grants, DNS): for a version whose
   * errors alone are reported (the old side of `fwc diff`). Expectations are still judged: they fail as
   * errors.
   */
  readonly lints?: boolean;
}

export interface BuiltPolicy {
  readonly policy: Policy;
  readonly compiled: CompiledPolicy;
}

export interface BuildResult {
  /** The policies that compiled (those of files without errors). */
  readonly policies: readonly BuiltPolicy[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The network the compiled policies make together (firewalls and database trusted sources). */
export function networkOf(policies: readonly { compiled: CompiledPolicy }[]): Network {
  return new Network(
    policies.flatMap((p) => p.compiled.firewalls),
    policies.flatMap((p) => p.compiled.databases.map((d) => ({ name: d.database, sources: d.sources }))),
  );
}

/** The checked policies of a set of files, before compiling: each file parsed and checked, one owner per name. */
export interface CheckedPolicies {
  /** The policies that checked without errors, one per name, in the files' order. */
  readonly policies: readonly Policy[];
  readonly diagnostics: Diagnostic[];
  readonly asts: readonly PolicyFile[];
}

/** Parses and checks every file, then what only the files together show (names, shared tags). */
export function checkPolicies(files: readonly SourceFile[], options: BuildOptions): CheckedPolicies {
  const diagnostics: Diagnostic[] = [];
  const checked: Policy[] = [];
  const asts: PolicyFile[] = [];
  for (const file of files) {
    const parsed = options.parse ? options.parse(file) : parse(file, { matchMany: matchInParallel });
    asts.push(parsed.value);
    diagnostics.push(...parsed.diagnostics);
    const result = check(parsed.value, options);
    diagnostics.push(...result.diagnostics);
    if (!hasErrors(parsed.diagnostics) && !hasErrors(result.diagnostics)) checked.push(result.value);
  }

  // Across files: one owner per policy name, and a warning when two policies govern the same tag.
  const byName = new Map<string, Policy>();
  const byTag = new Map<string, Policy>();
  const unique: Policy[] = [];
  for (const policy of checked) {
    const twin = byName.get(policy.name.toLowerCase());
    if (twin) {
      diagnostics.push(
        diagnostic('duplicatePolicy', {
          message: `policy \`${policy.name}\` is also defined in ${twin.file.path}`,
          file: policy.file,
          ...(policy.nameSpan ? { span: policy.nameSpan, label: 'same name' } : {}),
          help: ['give each file its own `policy NAME`'],
        }),
      );
      continue;
    }
    byName.set(policy.name.toLowerCase(), policy);
    unique.push(policy);
    for (const tag of policy.tags) {
      const other = byTag.get(tag.name.toLowerCase());
      if (other && other !== policy) {
        diagnostics.push(
          diagnostic('sharedTag', {
            message: `tag \`${tag.name}\` is also governed by policy \`${other.name}\` (${other.file.path})`,
            file: policy.file,
            span: tag.span,
            label: 'governed twice',
            notes: ["DigitalOcean adds up the allow rules of every firewall on a droplet: each policy's droplets get what either allows"],
          }),
        );
      } else {
        byTag.set(tag.name.toLowerCase(), policy);
      }
    }
  }

  return { policies: unique, diagnostics, asts };
}

/** Policies compiled, before the analyses (expectations and lints) that need them all. */
export interface CompiledPolicies {
  readonly policies: readonly BuiltPolicy[];
  /** Every policy that checked (those whose compile failed included), for releasing what compile kept. */
  readonly checked: readonly Policy[];
  /** Of parsing, checking and compiling: unsorted, `# fwc-ignore` not yet applied. */
  readonly diagnostics: readonly Diagnostic[];
  readonly asts: readonly PolicyFile[];
}

/** Parses, checks and compiles every file. */
export function compilePolicies(files: readonly SourceFile[], options: BuildOptions): CompiledPolicies {
  const { policies: unique, diagnostics, asts } = checkPolicies(files, options);
  const policies: BuiltPolicy[] = [];
  for (const policy of unique) {
    const compiled = compile(policy);
    diagnostics.push(...compiled.diagnostics);
    if (!hasErrors(compiled.diagnostics)) policies.push({ policy, compiled: compiled.value });
  }
  return { policies, checked: unique, diagnostics, asts };
}

/** Forgets what compiling kept for the analyses (each statement's effects: as large as its raw rules). */
export function releaseCompiled(compiled: CompiledPolicies): void {
  for (const policy of compiled.checked) releaseEffects(policy);
}

/** The analyses over compiled policies (expectations, and the lints unless `lints: false`), then the result. */
export function analysePolicies(compiled: CompiledPolicies, options: BuildOptions): BuildResult {
  const { policies, asts } = compiled;
  const diagnostics = [...compiled.diagnostics];
  // The analyses on the network first, then the network let go before the lints that do without it
  // (its bitsets are a quarter of a large build's memory). Diagnostics are sorted below, so the order
  // in which the analyses run does not show.
  let network: Network | null = networkOf(policies);
  const onNetwork = options.lints === false ? ERROR_RULES : NETWORK_RULES;
  for (const { policy, compiled } of policies) diagnostics.push(...runRules(new NetworkLintContext(policy, compiled.firewalls, network), onNetwork).diagnostics);
  network = null;
  if (options.lints !== false) {
    for (const { policy, compiled } of policies) diagnostics.push(...runRules(new LintContext(policy, compiled.firewalls), POLICY_LINTS).diagnostics);
  }
  releaseCompiled(compiled);
  return { policies, diagnostics: sortDiagnostics(applyIgnores(diagnostics, asts)) };
}

export function buildPolicies(files: readonly SourceFile[], options: BuildOptions): BuildResult {
  return analysePolicies(compilePolicies(files, options), options);
}
