/**
 * The public face of diagnostics/: the diagnostic type, the code catalogue, the renderer, "did you
 * mean", and escaping of what is printed.
 */
export { CODES, lookupCode } from './codes.js';
export type { CodeName } from './codes.js';
export { diagnostic, hasErrors, sortDiagnostics } from './diagnostic.js';
export type { Diagnostic, DiagnosticInit, Label } from './diagnostic.js';
export { hasControl, mapStrings, markdownSafe, printable, QUOTED } from './printable.js';
export { diagnosticToJson, renderDiagnostic, summarize } from './render.js';
export { ANSI, PLAIN } from './style.js';
export type { Style } from './style.js';
export { didYouMean } from './suggest.js';
export { Findings, runRules } from './rules.js';
export type { FindingContext, FindingRule } from './rules.js';
