/**
 * A diagnostic: one problem (or likely mistake) in a policy, with where it is and how to fix it.
 * Phases return diagnostics as values and never print them; the CLI renders them once (render.ts).
 */
import type { SourceFile, Span } from '../source/index.js';
import { CODES, type CodeInfo, type CodeName, type Severity } from './codes.js';

/** A span with what to say under it. */
export interface Label {
  readonly file: SourceFile;
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: CodeInfo;
  readonly severity: Severity;
  /** Lower-case, no trailing period, names in backticks: "unknown name `dbb`". */
  readonly message: string;
  /** The exact place, with a label that makes sense on its own; null for file-level problems. */
  readonly primary: Label | null;
  /** Other places that explain this one (the first declaration of a duplicate). */
  readonly secondary: readonly Label[];
  readonly notes: readonly string[];
  /** How to fix it, when known. */
  readonly help: readonly string[];
  /** The file concerned when there is no span (an unreadable path). */
  readonly path?: string;
}

export interface DiagnosticInit {
  readonly message: string;
  readonly file?: SourceFile;
  readonly span?: Span;
  readonly label?: string;
  readonly secondary?: readonly Label[];
  readonly notes?: readonly string[];
  readonly help?: readonly (string | undefined)[];
  readonly path?: string;
}

/** Makes a diagnostic of a catalogued kind; its severity comes from the catalogue. */
export function diagnostic(name: CodeName, init: DiagnosticInit): Diagnostic {
  const code = CODES[name];
  return {
    code,
    severity: code.severity,
    message: init.message,
    primary: init.file && init.span ? { file: init.file, span: init.span, message: init.label ?? '' } : null,
    secondary: init.secondary ?? [],
    notes: init.notes ?? [],
    help: (init.help ?? []).filter((h): h is string => typeof h === 'string' && h.length > 0),
    ...(init.path !== undefined ? { path: init.path } : init.file ? { path: init.file.path } : {}),
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, then position, then code; drops exact duplicates. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.path ?? ''}\0${d.primary?.span.start ?? -1}\0${d.code.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort((a, b) => {
    const pa = a.path ?? '';
    const pb = b.path ?? '';
    if (pa !== pb) return pa < pb ? -1 : 1;
    const sa = a.primary?.span.start ?? -1;
    const sb = b.primary?.span.start ?? -1;
    if (sa !== sb) return sa - sb;
    return a.code.code < b.code.code ? -1 : a.code.code > b.code.code ? 1 : 0;
  });
}
