/**
 * Writes diagnostics to stderr, rustc-style for people (coloured on a terminal) or as JSON for tools
 * (`--diagnostics json`), and says whether any of them is an error.
 */
import { ANSI, type Diagnostic, diagnosticToJson, hasErrors, PLAIN, renderDiagnostic, sortDiagnostics, summarize } from '../diagnostics/index.js';
import type { OptionSpec } from './args.js';
import { UsageError } from './errors.js';
import { useColor, type Io } from './io.js';

export const DIAGNOSTICS_OPTION: OptionSpec = {
  type: 'string',
  value: 'FORMAT',
  description: 'how diagnostics are written to stderr',
  choices: ['human', 'json'],
};

export const AS_OF_OPTION: OptionSpec = {
  type: 'string',
  value: 'YYYY-MM-DD',
  description: 'judge `until` dates as of this day (default: today, UTC)',
};

/** The as-of date from --as-of, or today's date in UTC. */
export function asOfDate(value: unknown, command: string): string {
  if (value === undefined) return new Date().toISOString().slice(0, 10);
  const text = String(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`--as-of takes a date like 2026-12-31, not '${text}' (fwc ${command})`);
  }
  return text;
}

/** Writes the diagnostics and a summary line; returns true when there is an error among them. */
export function reportDiagnostics(io: Io, diagnostics: readonly Diagnostic[], format: unknown, what: string): boolean {
  const sorted = sortDiagnostics(diagnostics);
  if (format === 'json') {
    io.stderr.write(
      JSON.stringify({
        diagnostics: sorted.map(diagnosticToJson),
        errors: sorted.filter((d) => d.severity === 'error').length,
        warnings: sorted.filter((d) => d.severity === 'warning').length,
      }) + '\n',
    );
    return hasErrors(sorted);
  }
  const style = useColor(io.stderr, io.env) ? ANSI : PLAIN;
  for (const d of sorted) io.stderr.write(renderDiagnostic(d, style));
  const failed = hasErrors(sorted);
  if (sorted.length > 0 || failed) {
    const head = failed ? style.error(style.bold('error')) : style.warning(style.bold('warning'));
    io.stderr.write(`${head}${style.bold(`: ${what}: ${summarize(sorted)}`)}\n`);
  }
  return failed;
}
