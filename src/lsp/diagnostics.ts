/**
 * fwc's diagnostics as LSP diagnostics: the same code, message, span and related places as the CLI
 * prints (src/diagnostics/render.ts), with the notes and help lines after the message, as rustc's
 * language server shows them.
 */
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { Diagnostic } from '../diagnostics/index.js';
import { toRange } from './positions.js';
import type { PolicyDocument } from './workspace.js';

/** What a published diagnostic carries for quick fixes (codeActions.ts), so they need no new build. */
export interface DiagnosticData {
  /** The catalogue name (`unknown-name`). */
  readonly name: string;
  /** The help lines, which say the fix. */
  readonly help: readonly string[];
  /** The primary span as offsets into the text the diagnostic was made from; null for file-level ones. */
  readonly span: { readonly start: number; readonly end: number } | null;
}

/** The text shown for a diagnostic: its message, then `note:` and `help:` lines as in the CLI. */
export function messageOf(d: Diagnostic): string {
  const lines = [d.message, ...d.notes.map((n) => `note: ${n}`), ...d.help.map((h) => `help: ${h}`)];
  return lines.join('\n');
}

/**
 * Converts the diagnostics of one document. `uriOf` finds the URI of another file of the workspace
 * (for related places in other files); unknown files are left out.
 */
export function toLspDiagnostics(
  doc: PolicyDocument,
  diagnostics: readonly Diagnostic[],
  uriOf: (path: string) => string | undefined,
): LspDiagnostic[] {
  return diagnostics.map((d) => {
    const range = d.primary ? toRange(doc.file, d.primary.span) : { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const related: DiagnosticRelatedInformation[] = [];
    for (const s of d.secondary) {
      const uri = s.file === doc.file ? doc.uri : uriOf(s.file.path);
      if (uri) related.push({ location: { uri, range: toRange(s.file, s.span) }, message: s.message || 'see here' });
    }
    const data: DiagnosticData = { name: d.code.name, help: d.help, span: d.primary ? { start: d.primary.span.start, end: d.primary.span.end } : null };
    return {
      range,
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code.code,
      source: 'fwc',
      message: messageOf(d),
      ...(related.length > 0 ? { relatedInformation: related } : {}),
      data,
    };
  });
}

