/**
 * The checker: resolves every name of a parsed policy file and applies every semantic rule, giving a
 * Policy that compile/ can trust, and diagnostics for everything wrong or suspicious. One file per rule
 * under this folder; this file only runs them in order.
 */
import { diagnostic, type FindingRule, hasErrors, runRules, type Diagnostic } from '../diagnostics/index.js';
import type { Span } from '../source/index.js';
import type { EgressStmt, ExpectStmt, PolicyFile, RuleStmt } from '../syntax/index.js';
import { checkAddressSets } from './addresses.js';
import { MAX_NAME_LENGTH, NAME_PATTERN } from './builtins.js';
import { CheckContext } from './context.js';
import { collectDeclarations } from './declarations.js';
import { checkEgress } from './egress.js';
import { checkDatabaseEgress } from './databaseEgress.js';
import { checkExposedAdminPorts } from './exposedAdminPort.js';
import { PolicyFindings } from './findings.js';
import { checkNoEffect } from './noEffect.js';
import { expandGroups } from './groups.js';
import { controlFree, dropletMember } from './endpoints.js';
import type { DropletSetDecl, Expectation, Grant, Policy, TagDecl } from './policy.js';
import { checkReplaces } from './replaces.js';
import { checkServiceDecls } from './services.js';
import { checkExpect, checkRule } from './statements.js';
import { checkTagNames } from './tagNames.js';

/** The checks that only find problems, run on the resolved grants of a file without errors. */
export const POLICY_RULES: readonly FindingRule<PolicyFindings>[] = [checkNoEffect, checkExposedAdminPorts, checkDatabaseEgress];

export interface CheckOptions {
  /** The date expiry is judged on, YYYY-MM-DD (UTC). */
  readonly asOf: string;
}

/** The policy name a file gets without a `policy` statement: its base name without `.fw`. */
export function defaultPolicyName(path: string): string {
  const base = path.split(/[\\/]/).pop() ?? path;
  return base.replace(/\.fw$/i, '');
}

/**
 * Checks a parsed file. The Policy is returned even when there are errors (so that later lints and
 * editors can use what is known), but compile/ must only run when there are none.
 */
export function check(ast: PolicyFile, options: CheckOptions): { value: Policy; diagnostics: Diagnostic[] } {
  const ctx = new CheckContext(ast, options.asOf);
  const policyName = collectDeclarations(ctx, ast.statements);
  const name = policyName?.text ?? nameFromFile(ctx);

  const dropletSets = collectDropletSets(ctx);
  const replaces = checkReplaces(ctx, ast.statements);
  expandGroups(ctx);
  checkAddressSets(ctx);
  checkServiceDecls(ctx);

  const tags: TagDecl[] = [...ctx.declarations.values()]
    .filter((d) => d.kind === 'tag')
    .map((d) => ({ name: d.name.text, span: d.name.span }));
  checkTagNames(ctx, name, tags, dropletSets);

  const egress = checkEgress(
    ctx,
    ast.statements.filter((s): s is EgressStmt => s.kind === 'Egress'),
  );

  const { grants, guardrails, expectations } = checkStatements(ctx);

  if (!hasErrors(ctx.diagnostics)) {
    runRules(new PolicyFindings(ctx, grants, egress.restricted), POLICY_RULES);
  }

  return {
    value: {
      name,
      nameSpan: policyName?.span ?? null,
      file: ast.source,
      tags,
      replaces,
      dropletSets,
      restrictedEgress: egress.restricted,
      egressSpans: egress.spans,
      grants,
      guardrails,
      expectations,
      namedAddresses: ctx.namedAddresses,
      asOf: options.asOf,
    },
    diagnostics: ctx.diagnostics,
  };
}

/** A file without `policy NAME` is named after the file; a file name that cannot be one is an error. */
function nameFromFile(ctx: CheckContext): string {
  const path = ctx.file.path;
  const name = defaultPolicyName(path);
  if (NAME_PATTERN.test(name) && name.length <= MAX_NAME_LENGTH) return name;
  ctx.diagnostics.push(
    diagnostic('invalidName', {
      message: `the file name \`${name}\` cannot name the policy`,
      path,
      help: ['name the policy in the file\'s first line: `policy NAME` (letters, digits, `-`, `_`, `:`)'],
    }),
  );
  return name.replace(/[^A-Za-z0-9_:-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'policy';
}

/** Grants, guardrails and expectations, each resolved, in the file's order. */
function checkStatements(ctx: CheckContext): { grants: Grant[]; guardrails: Grant[]; expectations: Expectation[] } {
  const out = { grants: [] as Grant[], guardrails: [] as Grant[], expectations: [] as Expectation[] };
  let index = 0;
  for (const stmt of ctx.ast.statements) {
    if (stmt.kind === 'Rule') {
      const grant = checkRule(ctx, stmt as RuleStmt, index++);
      (grant.effect === 'allow' ? out.grants : out.guardrails).push(grant);
    } else if (stmt.kind === 'Expect') {
      out.expectations.push(checkExpect(ctx, stmt as ExpectStmt));
    }
  }
  return out;
}

/** Droplet sets: members by name or id, each droplet once. */
function collectDropletSets(ctx: CheckContext): DropletSetDecl[] {
  const sets: DropletSetDecl[] = [];
  for (const decl of ctx.declarations.values()) {
    if (decl.kind !== 'droplets') continue;
    const members = [];
    const seen = new Map<string, Span>();
    for (const ref of decl.decl.members) {
      if (ref.kind === 'String' && !controlFree(ctx, ref)) continue;
      const member = dropletMember(ctx, ref);
      if (!member) continue;
      const key = member.id !== null ? `#${member.id}` : `"${member.name}"`;
      const first = seen.get(key);
      if (first) {
        ctx.report('duplicateName', {
          message: `droplet ${member.id ?? `\`${member.name}\``} is named twice in droplet set \`${decl.name.text}\``,
          span: ref.span,
          label: 'named again here',
          secondary: [{ file: ctx.file, span: first, message: 'first named here' }],
          help: ['remove one of them'],
        });
        continue;
      }
      seen.set(key, ref.span);
      members.push(member);
    }
    ctx.dropletSets.set(decl.name.text, members);
    sets.push({ name: decl.name.text, span: decl.name.span, statementSpan: decl.decl.span, members });
  }
  return sets;
}
