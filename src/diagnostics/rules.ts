/**
 * One signature for every rule that only finds problems (graphql-js's `ValidationRule` and
 * `specifiedRules`): a rule is a function of a context, which it reads and reports through. Each phase
 * that runs such rules has its context (check/findings.ts, analysis/lints/, plan/warnings/) and its list
 * of rules, in the order their findings are shown; a new rule is one file and one line in that list.
 *
 * The steps that build something (the checker's resolution of names, compile) are not rules: they run in
 * an order that matters, and what they find comes with what they build.
 */
import { diagnostic, type Diagnostic, type DiagnosticInit } from './diagnostic.js';
import type { CodeName } from './codes.js';

/** Where a rule reports. Every report is a catalogued diagnostic (codes.ts). */
export interface FindingContext {
  report(name: CodeName, init: DiagnosticInit): void;
}

export type FindingRule<C extends FindingContext> = (context: C) => void;

/** A context that keeps what its rules report, in order. */
export class Findings implements FindingContext {
  readonly diagnostics: Diagnostic[] = [];

  report(name: CodeName, init: DiagnosticInit): void {
    this.diagnostics.push(diagnostic(name, init));
  }
}

/** Runs `rules` over `context`, in order. */
export function runRules<C extends FindingContext>(context: C, rules: readonly FindingRule<C>[]): C {
  for (const rule of rules) rule(context);
  return context;
}
