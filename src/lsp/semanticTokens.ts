/**
 * Semantic tokens: what each word of the file is, from the syntax tree and the file's names (names.ts) —
 * a tag, a group, an address set, a service (built-in or declared) — on top of the TextMate grammar's
 * colours (editors/vscode/syntaxes), which can only guess from the word itself.
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from 'vscode-languageserver';
import { KEYWORDS } from '../check/index.js';
import { isBuiltinService, type NameKind } from './names.js';
import { toPosition } from './positions.js';
import type { PolicyDocument } from './workspace.js';

const TYPES = ['keyword', 'variable', 'class', 'enumMember', 'function', 'string', 'number', 'comment', 'namespace'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;

export const SEMANTIC_LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

type TokenType = (typeof TYPES)[number];

const KIND_TYPE: Record<NameKind, TokenType> = {
  policy: 'namespace',
  tag: 'variable',
  droplets: 'variable',
  group: 'class',
  addresses: 'enumMember',
  service: 'function',
};

const WORD = /"[^"\n]*"?|#[^\n]*|[A-Za-z0-9_:.\/-]+/g;

export function semanticTokens(doc: PolicyDocument): SemanticTokens {
  const names = new Map<number, { type: TokenType; modifiers: number }>();
  for (const d of doc.names.declarations) names.set(d.name.span.start, { type: KIND_TYPE[d.kind], modifiers: 1 });
  for (const u of doc.names.uses) {
    const decl = doc.names.resolve(u.name.text, u.context);
    if (decl) names.set(u.name.span.start, { type: KIND_TYPE[decl.kind], modifiers: 0 });
    else if (u.context === 'service' && isBuiltinService(u.name.text)) names.set(u.name.span.start, { type: 'function', modifiers: 2 });
  }
  const builder = new SemanticTokensBuilder();
  const text = doc.file.text;
  for (const m of text.matchAll(WORD)) {
    const word = m[0];
    const start = m.index;
    const name = names.get(start);
    let type: TokenType | undefined;
    let modifiers = 0;
    if (name) ({ type, modifiers } = name);
    else if (word.startsWith('#')) type = 'comment';
    else if (word.startsWith('"')) type = 'string';
    else if (KEYWORDS.has(word)) type = 'keyword';
    else if (/^[0-9]/.test(word) || word.includes('::')) type = 'number';
    if (type === undefined) continue;
    const pos = toPosition(doc.file, start);
    builder.push(pos.line, pos.character, word.length, TYPES.indexOf(type), modifiers);
  }
  return builder.build();
}
