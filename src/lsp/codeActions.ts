/**
 * Quick fixes for diagnostics whose fix is known. The checker says how to fix a problem in its help
 * lines (`did you mean \`db\`?`, `write it in double quotes: \`"on"\``, `for example \`web may reach
 * anyone on dns\``); each rule below turns one such form into an edit, so every diagnostic that says its
 * fix this way gets an action, whichever check reported it. A suggested statement is only offered when
 * it parses (the grammar decides, not a pattern here).
 */
import { CodeActionKind, type CodeAction, type Diagnostic as LspDiagnostic, type Range, type TextEdit } from 'vscode-languageserver';
import { hasErrors } from '../diagnostics/index.js';
import { SourceFile, type Span } from '../source/index.js';
import { parse } from '../syntax/index.js';
import type { DiagnosticData } from './diagnostics.js';
import { toPosition, toRange } from './positions.js';
import type { PolicyDocument } from './workspace.js';

interface Fix {
  readonly title: string;
  readonly edits: TextEdit[];
  readonly preferred?: boolean;
}

/** `a`, `b` or `c` → ['a', 'b', 'c'] */
function quotedSnippets(text: string): string[] {
  return [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}

function isStatement(text: string): boolean {
  const parsed = parse(new SourceFile('', text));
  return !hasErrors(parsed.diagnostics) && parsed.value.statements.length === 1;
}

/** The whole lines a span's statement stands on (with the line break after them). */
function statementLines(doc: PolicyDocument, span: Span): Span {
  const stmt = doc.names.statementAt(span.start);
  const s = stmt?.span ?? span;
  const text = doc.file.text;
  const start = text.lastIndexOf('\n', s.start - 1) + 1;
  const nl = text.indexOf('\n', s.end);
  return { start, end: nl === -1 ? text.length : nl + 1 };
}

function fixesFor(doc: PolicyDocument, d: DiagnosticData): Fix[] {
  if (!d.span) return [];
  const span = d.span;
  const range = toRange(doc.file, span);
  const replace = (title: string, newText: string, preferred = false): Fix => ({ title, edits: [{ range, newText }], preferred });
  const fixes: Fix[] = [];
  for (const help of d.help) {
    const snippets = quotedSnippets(help);
    if (/^did you mean /.test(help)) {
      snippets.forEach((s, i) => fixes.push(replace(`Change to \`${s}\``, s, i === 0)));
    } else if (/write it in double quotes/.test(help) && snippets[0]) {
      fixes.push(replace(`Quote it: ${snippets[0]}`, snippets[0], true));
    } else if (/^write the network /.test(help) || /^write `[^`]+`$/.test(help)) {
      snippets.forEach((s, i) => fixes.push(replace(`Change to \`${s}\``, s, i === 0)));
    } else if (/^move this line to the top of the file/.test(help)) {
      const lines = statementLines(doc, span);
      const line = doc.file.text.slice(lines.start, lines.end);
      fixes.push({
        title: 'Move this line to the top of the file',
        edits: [
          { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: line.endsWith('\n') ? line : `${line}\n` },
          { range: toRange(doc.file, lines), newText: '' },
        ],
      });
    } else if (/^to refer to tag `[^`]+` without governing it/.test(help) && snippets.length > 0) {
      // `… write \`tag "dbb"\``: the name becomes a reference to the tag, which gets no firewall.
      const ref = snippets[snippets.length - 1]!;
      fixes.push(replace(`Refer to the tag without governing it: ${ref}`, ref));
    } else if (/^remove (the statement|it|the grant)\b/.test(help)) {
      fixes.push({ title: 'Remove the statement', edits: [{ range: toRange(doc.file, statementLines(doc, span)), newText: '' }] });
    } else {
      // A snippet with a placeholder (`tags NAME`, `group NAME = …`) is a form to follow, not a fix.
      for (const s of snippets.filter((x) => !/\b[A-Z]{2,}\b|…/.test(x))) {
        const stmt = doc.names.statementAt(span.start);
        if (s.startsWith('on ') && stmt && isStatement(`${doc.file.text.slice(stmt.span.start, stmt.span.end)} ${s}`)) {
          // `add an \`on\` clause, for example \`on https\``
          fixes.push({ title: `Add \`${s}\``, edits: [{ range: toRange(doc.file, { start: stmt.span.end, end: stmt.span.end }), newText: ` ${s}` }] });
        } else if (isStatement(s)) {
          // `grant it, for example \`web may reach anyone on dns\``: a new line after the statement.
          const lines = statementLines(doc, span);
          const at = toPosition(doc.file, lines.end);
          const needsBreak = lines.end === doc.file.text.length && !doc.file.text.endsWith('\n');
          fixes.push({ title: `Add \`${s}\``, edits: [{ range: { start: at, end: at }, newText: `${needsBreak ? '\n' : ''}${s}\n` }] });
        }
      }
    }
  }
  return fixes;
}

function intersects(a: Range, b: Range): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/**
 * The quick fixes at `range`, from the diagnostics published for `doc` (made from the text `doc` has now:
 * the caller passes none when the text changed since, as the fixes would land in the wrong place).
 */
export function codeActions(doc: PolicyDocument, diagnostics: readonly LspDiagnostic[], range: Range): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const lsp of diagnostics) {
    if (!intersects(lsp.range, range)) continue;
    const data = lsp.data as DiagnosticData | undefined;
    if (!data || !Array.isArray(data.help)) continue;
    for (const fix of fixesFor(doc, data)) {
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [lsp],
        ...(fix.preferred ? { isPreferred: true } : {}),
        edit: { changes: { [doc.uri]: fix.edits } },
      });
    }
  }
  return actions;
}
