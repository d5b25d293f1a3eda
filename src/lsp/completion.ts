/**
 * Completion. What may follow the text before the cursor is asked of the grammar itself
 * (src/syntax/expectations.ts): keywords, "a name", "a port or port range", … So completion follows the
 * language as the grammar grows, with no second copy of its rules here. Names then come from the file's
 * declarations (names.ts), by the place they would stand in.
 */
import { CompletionItemKind, InsertTextFormat, type CompletionItem, type Position } from 'vscode-languageserver';
import { BUILTIN_SERVICES, KEYWORDS } from '../check/index.js';
import { expectedAfter, splitStatements } from '../syntax/index.js';
import type { NameKind, RefContext } from './names.js';
import { toOffset } from './positions.js';
import type { PolicyDocument } from './workspace.js';

/** Keywords that read as one phrase are offered whole too. */
const PHRASES: Readonly<Record<string, readonly string[]>> = {
  may: ['may reach'],
  must: ['must not reach'],
  can: ['can reach'],
  cannot: ['cannot reach'],
  egress: ['egress from'],
};

/** A literal the grammar expects (a keyword), as opposed to a rule's description (`a name`, `end of input`). */
/** How far back (characters) completion looks for the start of the statement: a statement is a few lines. */
const LOOK_BACK = 2000;

const LITERAL_WORD = /^[a-z][a-z-]*$/;

const KIND_ITEM: Record<NameKind, CompletionItemKind> = {
  policy: CompletionItemKind.Module,
  tag: CompletionItemKind.Variable,
  droplets: CompletionItemKind.Struct,
  group: CompletionItemKind.Class,
  addresses: CompletionItemKind.Constant,
  service: CompletionItemKind.Function,
};

const KIND_LABEL: Record<NameKind, string> = { policy: 'policy', tag: 'tag', droplets: 'droplet set', group: 'group', addresses: 'address set', service: 'service' };

/** The statement text before `offset` (from the statement's start), or null inside a comment. */
function statementPrefix(text: string, offset: number): string | null {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let quoted = false;
  for (let i = lineStart; i < offset; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '#' && !quoted) return null;
  }
  // Only the lines of the statement matter; a statement is at most a few lines, so look back a little.
  const from = Math.max(0, text.lastIndexOf('\n', Math.max(0, lineStart - LOOK_BACK)));
  const before = text.slice(from, offset);
  const { chunks } = splitStatements(before);
  const last = chunks[chunks.length - 1];
  if (!last) return '';
  const chunkText = before.slice(last.span.start, last.span.end);
  const rest = before.slice(last.span.end);
  // A statement is still open when the cursor is on its line or it ends with a comma.
  if (chunkText.endsWith(',') || !/\n/.test(rest.replace(/#[^\n]*/g, ''))) return before.slice(last.span.start);
  return '';
}

/**
 * The items for a keyword the grammar expects after `prefix`. A keyword after which the grammar wants a
 * quoted name (`load-balancer "…"`, `database "…"`) is offered as a snippet with the quotes; the grammar
 * is asked, so a new form of that shape needs nothing here.
 */
function keywordItems(prefix: string, word: string): CompletionItem[] {
  const next = expectedAfter(`${prefix}${prefix === '' || /\s$/.test(prefix) ? '' : ' '}${word} `) ?? [];
  if (next.includes('a quoted name') && !next.includes('a name')) {
    const items: CompletionItem[] = [
      { label: `${word} "…"`, kind: CompletionItemKind.Keyword, insertText: `${word} "$1"`, insertTextFormat: InsertTextFormat.Snippet, filterText: word },
    ];
    if (next.includes('a number')) {
      items.push({ label: `${word} ID`, kind: CompletionItemKind.Keyword, insertText: `${word} \${1:12345}`, insertTextFormat: InsertTextFormat.Snippet, filterText: word });
    }
    return items;
  }
  const items: CompletionItem[] = [{ label: word, kind: CompletionItemKind.Keyword }];
  for (const phrase of PHRASES[word] ?? []) items.push({ label: phrase, kind: CompletionItemKind.Keyword, filterText: word });
  return items;
}

function nameItems(doc: PolicyDocument, context: RefContext): CompletionItem[] {
  const items: CompletionItem[] = doc.names.namesFor(context).map((d) => ({
    label: d.name.quoted || KEYWORDS.has(d.name.text) ? `"${d.name.text}"` : d.name.text,
    kind: KIND_ITEM[d.kind],
    detail: KIND_LABEL[d.kind],
  }));
  if (context === 'service') {
    for (const [name, s] of BUILTIN_SERVICES) {
      items.push({ label: name, kind: CompletionItemKind.Function, detail: `built-in: ${s.items.map((i) => `${i.protocol} ${i.port}`).join(', ')}` });
    }
  }
  return items;
}

export function complete(doc: PolicyDocument, position: Position): CompletionItem[] {
  const text = doc.file.text;
  const offset = toOffset(doc.file, position);
  // The word being typed is replaced by the item; the grammar is asked about what stands before it.
  let wordStart = offset;
  while (wordStart > 0 && /[A-Za-z0-9_:-]/.test(text[wordStart - 1]!)) wordStart--;
  const prefix = statementPrefix(text, wordStart);
  if (prefix === null) return [];
  const expected = expectedAfter(prefix);
  const firstWord = /^[a-z-]+/.exec(prefix)?.[0];

  if (expected === null) {
    // The statement is already wrong before the cursor: offer every name, as a best effort.
    return [...nameItems(doc, 'endpoint'), ...nameItems(doc, 'service')];
  }
  const items: CompletionItem[] = [];
  const seen = new Set<string>();
  for (const e of expected) {
    if (seen.has(e)) continue;
    seen.add(e);
    if (LITERAL_WORD.test(e)) items.push(...keywordItems(prefix, e));
  }
  if (seen.has('a name')) {
    if (seen.has('tcp')) items.push(...nameItems(doc, 'service'));
    else if (seen.has('anyone')) items.push(...nameItems(doc, 'endpoint'));
    else if ((firstWord === 'group' && prefix.includes('=')) || firstWord === 'egress') items.push(...nameItems(doc, 'member'));
    // Otherwise a name is being declared: nothing to offer.
  }
  return items;
}
