/**
 * Printing a plan (for `plan`, `diff` and `show`) in the chosen format, and the exit code that goes with
 * it: with --detailed-exitcode, 0 for no changes and 2 for changes (Terraform's convention).
 */
import { ANSI, PLAIN } from '../diagnostics/index.js';
import { type PlanDocument, renderMarkdown, renderText } from '../plan/index.js';
import type { OptionSpec } from './args.js';
import { useColor, type Io } from './io.js';

export const PLAN_FORMAT_OPTION: OptionSpec = {
  type: 'string',
  value: 'FORMAT',
  description: 'output format (default text)',
  choices: ['text', 'markdown', 'json'],
};

export const DETAILED_EXITCODE_OPTION: OptionSpec = {
  type: 'boolean',
  description: 'exit 0 when there are no changes, 2 when there are (1 stays an error)',
};

export function printPlan(io: Io, doc: PlanDocument, format: unknown): void {
  if (format === 'json') io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  else if (format === 'markdown') io.stdout.write(renderMarkdown(doc));
  else io.stdout.write(renderText(doc, useColor(io.stdout, io.env) ? ANSI : PLAIN));
}

export function planExitCode(doc: PlanDocument, detailed: unknown): number {
  return detailed === true && doc.summary.changes ? 2 : 0;
}
