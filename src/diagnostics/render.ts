/**
 * Renders diagnostics for people, in rustc's layout:
 *
 *   error[FW201]: unknown name `dbb`
 *     --> policies/shop.fw:12:15
 *      |
 *   12 | app may reach dbb on postgres
 *      |               ^^^ not declared
 *      |
 *      = help: did you mean `db`?
 *
 * and as JSON for tools. Columns are 1-based; tabs are shown as four spaces and carets follow them.
 */
import type { SourceFile } from '../source/index.js';
import type { Diagnostic, Label } from './diagnostic.js';
import { PLAIN, type Style } from './style.js';
import { printable } from './printable.js';

const TAB = '    ';

/** A source line as shown: tabs as spaces, control characters escaped (`\x1b`), carets following both. */
function display(line: string, column0: number): { text: string; column: number } {
  const shown = (text: string) => printable(text.replaceAll('\t', TAB));
  return { text: shown(line), column: shown(line.slice(0, column0)).length };
}

interface LineMark {
  line: number;
  start: number; // 0-based display column
  width: number;
  message: string;
  primary: boolean;
}

function markOf(label: Label, primary: boolean): LineMark {
  const file = label.file;
  const start = file.position(label.span.start);
  const end = file.position(Math.max(label.span.start, label.span.end));
  const lineText = file.lineText(start.line);
  const d = display(lineText, start.column - 1);
  // A span over several lines is marked to the end of its first line (rustc shows the start).
  const endCol0 = end.line === start.line ? end.column - 1 : lineText.length;
  const dEnd = display(lineText, endCol0);
  return { line: start.line, start: d.column, width: Math.max(1, dEnd.column - d.column), message: label.message, primary };
}

/** Renders one diagnostic (with its trailing blank line). */
export function renderDiagnostic(d: Diagnostic, style: Style = PLAIN): string {
  const paint = d.severity === 'error' ? style.error : style.warning;
  const out: string[] = [`${paint(style.bold(`${d.severity}[${d.code.code}]`))}${style.bold(`: ${printable(d.message)}`)}`];
  const labels: LineMark[] = [];
  let file: SourceFile | null = null;
  if (d.primary) {
    file = d.primary.file;
    labels.push(markOf(d.primary, true));
  }
  for (const s of d.secondary) if (!file || s.file === file) labels.push(markOf(s, false));
  const gutterWidth = labels.length > 0 ? String(Math.max(...labels.map((l) => l.line))).length : 1;
  const pad = ' '.repeat(gutterWidth);
  const bar = style.dim('|');
  if (d.primary && file) {
    const pos = file.position(d.primary.span.start);
    out.push(`${pad}${style.dim('-->')} ${printable(file.path)}:${pos.line}:${pos.column}`);
    out.push(`${pad} ${bar}`);
    const lines = [...new Set(labels.map((l) => l.line))].sort((a, b) => a - b);
    let previous = -1;
    for (const line of lines) {
      if (previous !== -1 && line > previous + 1) out.push(style.dim('...'));
      previous = line;
      out.push(`${style.dim(String(line).padStart(gutterWidth))} ${bar} ${display(file.lineText(line), 0).text}`.trimEnd());
      for (const mark of labels.filter((l) => l.line === line).sort((a, b) => a.start - b.start)) {
        const colour = mark.primary ? paint : style.note;
        const underline = (mark.primary ? '^' : '-').repeat(mark.width);
        out.push(`${pad} ${bar} ${' '.repeat(mark.start)}${colour(underline)}${mark.message ? ' ' + colour(printable(mark.message)) : ''}`);
      }
    }
    if (d.notes.length + d.help.length > 0) out.push(`${pad} ${bar}`);
  } else if (d.path) {
    out.push(`${pad}${style.dim('-->')} ${printable(d.path)}`);
  }
  for (const note of d.notes) out.push(`${pad} ${style.dim('=')} ${style.bold('note')}: ${printable(note)}`);
  for (const help of d.help) out.push(`${pad} ${style.dim('=')} ${style.bold('help')}: ${printable(help)}`);
  return out.join('\n') + '\n\n';
}

/** `2 errors, 1 warning` (or `no problems`). */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const parts: string[] = [];
  if (errors > 0) parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings > 0) parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.length > 0 ? parts.join(', ') : 'no problems';
}

/** The JSON form of one diagnostic (`--diagnostics json`); documented in the README. */
export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  const where = (l: Label) => {
    const s = l.file.position(l.span.start);
    const e = l.file.position(l.span.end);
    return { file: l.file.path, line: s.line, column: s.column, endLine: e.line, endColumn: e.column, offset: l.span.start, length: l.span.end - l.span.start };
  };
  return {
    code: d.code.code,
    name: d.code.name,
    severity: d.severity,
    message: d.message,
    ...(d.primary ? { ...where(d.primary), label: d.primary.message } : { file: d.path ?? null }),
    secondary: d.secondary.map((s) => ({ ...where(s), label: s.message })),
    notes: d.notes,
    help: d.help,
  };
}
