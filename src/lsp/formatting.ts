/**
 * Document formatting: exactly `fwc fmt`'s output (src/syntax/format.ts), as one edit of the whole
 * document. A file with syntax errors is left alone, as `fwc fmt` leaves it (its diagnostics say why).
 */
import type { TextEdit } from 'vscode-languageserver';
import { hasErrors } from '../diagnostics/index.js';
import { format } from '../syntax/index.js';
import { toPosition } from './positions.js';
import type { PolicyDocument } from './workspace.js';

export function formatDocument(doc: PolicyDocument): TextEdit[] | null {
  if (hasErrors(doc.parsed.diagnostics)) return null;
  const text = format(doc.parsed.value);
  if (text === doc.file.text) return [];
  return [{ range: { start: { line: 0, character: 0 }, end: toPosition(doc.file, doc.file.text.length) }, newText: text }];
}
