/**
 * Parsing as you type: only the statements whose text changed go through the grammar.
 *
 * parse() (src/syntax/parse.ts) already matches every statement on its own, so a statement's tree
 * depends only on its own text. Here each statement's text is parsed once, as a file of its own, with
 * offsets from 0; the result is kept under that text and moved to where the statement stands now. A
 * keystroke changes one statement, so one statement is matched (~0.1 ms) instead of all of them (~100 ms
 * on a 1,000-statement file). The result equals parse(file) (test/lsp/incrementalParse.test.ts).
 *
 * Why not ohm's own incremental matching (Matcher.replaceInputRange): fwc never matches a whole file —
 * each statement is its own match — so there is no large memo table to keep. Keeping the per-statement
 * results is the same saving without holding ohm's memo of the whole text (hundreds of MB at 10,000
 * statements, TOOLCHAIN.md §3).
 */
import type { Diagnostic, Label } from '../diagnostics/index.js';
import { SourceFile } from '../source/index.js';
import { type Comment, parse, type PolicyFile, splitStatements, type Statement } from '../syntax/index.js';

interface StatementParse {
  /** At most one statement (none when it does not parse), with offsets from the statement's start. */
  readonly statements: readonly Statement[];
  readonly diagnostics: readonly Diagnostic[];
  /** The last placement of the statements (an edit further down leaves a statement where it was). */
  placed?: { readonly start: number; readonly statements: readonly Statement[] };
}

export interface ParseResult {
  readonly value: PolicyFile;
  readonly diagnostics: Diagnostic[];
  /** The texts of the file's statements: what keeps their entries in the cache (see sweep). */
  readonly keys: readonly string[];
}

/** Copies a tree with every span moved by `delta`. Spans are the only objects with exactly start and end. */
function shift<T>(node: T, delta: number): T {
  if (Array.isArray(node)) return node.map((n) => shift(n, delta)) as T;
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2) {
    return { start: (o.start as number) + delta, end: (o.end as number) + delta } as T;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(o)) out[key] = shift(o[key], delta);
  return out as T;
}

function moveLabel(label: Label, file: SourceFile, delta: number): Label {
  return { file, span: { start: label.span.start + delta, end: label.span.end + delta }, message: label.message };
}

function moveDiagnostic(d: Diagnostic, file: SourceFile, delta: number): Diagnostic {
  return {
    ...d,
    primary: d.primary ? moveLabel(d.primary, file, delta) : null,
    secondary: d.secondary.map((s) => moveLabel(s, file, delta)),
    path: file.path,
  };
}

/**
 * A cache of parsed statements, shared by every file of a workspace (two files with the same line share
 * its parse). Statements no file holds any more are dropped from time to time (sweep), so it stays about
 * as large as the workspace's text.
 */
/**
 * The cache is swept only when it holds more than twice the live statements plus this many: a sweep
 * then frees at least half of it, and a small workspace is not swept after every few edits.
 */
const SWEEP_SLACK = 1000;

export class StatementCache {
  private entries = new Map<string, StatementParse>();
  /** How many statements went through the grammar, for the benchmark and tests. */
  matched = 0;

  /** How many statements are kept. */
  get size(): number {
    return this.entries.size;
  }

  private parseStatement(text: string): StatementParse {
    let entry = this.entries.get(text);
    if (!entry) {
      const parsed = parse(new SourceFile('', text));
      entry = { statements: parsed.value.statements, diagnostics: parsed.diagnostics };
      this.entries.set(text, entry);
      this.matched++;
    }
    return entry;
  }

  /** The same result as parse(file), reusing the statements seen before. */
  parse(file: SourceFile): ParseResult {
    const { chunks, comments } = splitStatements(file.text);
    const statements: Statement[] = [];
    const diagnostics: Diagnostic[] = [];
    const keys: string[] = [];
    for (const chunk of chunks) {
      const { start, end } = chunk.span;
      const key = file.text.slice(start, end);
      keys.push(key);
      const entry = this.parseStatement(key);
      if (entry.placed?.start !== start) entry.placed = { start, statements: entry.statements.map((st) => shift(st, start)) };
      statements.push(...entry.placed.statements);
      for (const d of entry.diagnostics) diagnostics.push(moveDiagnostic(d, file, start));
    }
    return { value: { kind: 'File', source: file, statements, comments: comments as Comment[] }, diagnostics, keys };
  }

  /** Forgets statements no current file holds, once they outnumber the live ones (after a workspace build). */
  sweep(live: Iterable<readonly string[]>): void {
    const keep = new Set<string>();
    for (const keys of live) for (const k of keys) keep.add(k);
    if (this.entries.size <= 2 * keep.size + SWEEP_SLACK) return;
    for (const key of this.entries.keys()) if (!keep.has(key)) this.entries.delete(key);
  }
}
