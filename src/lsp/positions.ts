/**
 * Offsets (fwc's positions everywhere, UTF-16 like JavaScript strings) to LSP positions and back. LSP's
 * default position encoding is UTF-16 too, so a column is an offset within its line.
 */
import type { Position, Range } from 'vscode-languageserver';
import type { SourceFile, Span } from '../source/index.js';

export function toPosition(file: SourceFile, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  const { line, column } = file.position(clamped);
  return { line: line - 1, character: column - 1 };
}

export function toRange(file: SourceFile, span: Span): Range {
  return { start: toPosition(file, span.start), end: toPosition(file, Math.max(span.start, span.end)) };
}

export function toOffset(file: SourceFile, position: Position): number {
  const line = Math.max(0, Math.min(position.line, file.lineStarts.length - 1));
  const start = file.lineStarts[line]!;
  const next = file.lineStarts[line + 1];
  const end = next === undefined ? file.text.length : next - 1;
  return Math.max(start, Math.min(start + Math.max(0, position.character), end));
}
