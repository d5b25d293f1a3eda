/**
 * Splits a file into logical statements before any grammar runs: one statement per line, joined with
 * the following lines while it ends with a comma (LANGUAGE.md, lexical rules). Matching each statement
 * on its own is what lets fwc report every syntax error of a file, not only the first, and keeps parsing
 * linear in the file's size (ohm's memo table stays one statement big).
 */
import type { Span } from '../source/index.js';
import type { Comment } from './ast.js';

export interface StatementChunk {
  /** From the first character of the statement to the last one before its trailing comment. */
  readonly span: Span;
}

export interface SplitResult {
  readonly chunks: readonly StatementChunk[];
  readonly comments: readonly Comment[];
}

export function splitStatements(text: string): SplitResult {
  const chunks: StatementChunk[] = [];
  const comments: Comment[] = [];
  let open: { start: number; end: number } | null = null;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    // Where the code of this line ends: at a `#` outside double quotes, or at the end of the line.
    let codeEnd = lineEnd;
    let quoted = false;
    for (let i = lineStart; i < lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === 34 /* " */) quoted = !quoted;
      else if (c === 35 /* # */ && !quoted) {
        codeEnd = i;
        comments.push({ text: text.slice(i, lineEnd).replace(/\s+$/, ''), span: { start: i, end: lineEnd } });
        break;
      }
    }
    let first = lineStart;
    while (first < codeEnd && isSpace(text.charCodeAt(first))) first++;
    let last = codeEnd;
    while (last > first && isSpace(text.charCodeAt(last - 1))) last--;
    if (last > first) {
      if (open) open.end = last;
      else open = { start: first, end: last };
      if (text.charCodeAt(last - 1) !== 44 /* , */) {
        chunks.push({ span: { start: open.start, end: open.end } });
        open = null;
      }
    }
    if (lineEnd === text.length) break;
    lineStart = lineEnd + 1;
  }
  // A file that ends in the middle of a list: the grammar reports what is missing.
  if (open) chunks.push({ span: { start: open.start, end: open.end } });
  return { chunks, comments };
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
}
