/**
 * Document symbols (the outline): the policy, every declaration, and every statement, named by its text.
 */
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { Statement } from '../syntax/index.js';
import { toRange } from './positions.js';
import type { PolicyDocument } from './workspace.js';

/** Longest statement text shown as a symbol name (the outline is a narrow side panel); longer ends in `…`. */
const MAX_NAME = 80;

function shortText(doc: PolicyDocument, stmt: Statement): string {
  const t = doc.file.text.slice(stmt.span.start, stmt.span.end).replace(/#[^\n]*/g, '').replace(/\s+/g, ' ').trim();
  return t.length > MAX_NAME ? `${t.slice(0, MAX_NAME - 1)}…` : t;
}

export function documentSymbols(doc: PolicyDocument): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const sym = (name: string, detail: string, kind: SymbolKind, stmt: Statement, sel = stmt.span, children?: DocumentSymbol[]): DocumentSymbol => ({
    name: name || '(empty)',
    detail,
    kind,
    range: toRange(doc.file, stmt.span),
    selectionRange: toRange(doc.file, sel),
    ...(children ? { children } : {}),
  });
  for (const stmt of doc.parsed.value.statements) {
    switch (stmt.kind) {
      case 'PolicyDecl':
        out.push(sym(stmt.name.text, 'policy', SymbolKind.Module, stmt, stmt.name.span));
        break;
      case 'TagsDecl':
        out.push(
          sym('tags', stmt.names.map((n) => n.text).join(', '), SymbolKind.Namespace, stmt, stmt.span,
            stmt.names.map((n) => ({ name: n.text || '(empty)', detail: 'tag', kind: SymbolKind.Variable, range: toRange(doc.file, n.span), selectionRange: toRange(doc.file, n.span) }))),
        );
        break;
      case 'ReplacesDecl':
        out.push(sym(stmt.firewall.text, 'replaced firewall', SymbolKind.File, stmt, stmt.firewall.span));
        break;
      case 'DropletsDecl':
        out.push(sym(stmt.name.text, 'droplet set', SymbolKind.Struct, stmt, stmt.name.span));
        break;
      case 'GroupDecl':
        out.push(sym(stmt.name.text, 'group', SymbolKind.Class, stmt, stmt.name.span));
        break;
      case 'AddressesDecl':
        out.push(sym(stmt.name.text, 'address set', SymbolKind.Constant, stmt, stmt.name.span));
        break;
      case 'ServiceDecl':
        out.push(sym(stmt.name.text, 'service', SymbolKind.Function, stmt, stmt.name.span));
        break;
      case 'Egress':
        out.push(sym(shortText(doc, stmt), 'egress', SymbolKind.Property, stmt));
        break;
      case 'Expect':
        out.push(sym(shortText(doc, stmt), 'expectation', SymbolKind.Boolean, stmt));
        break;
      case 'Rule':
        out.push(sym(shortText(doc, stmt), stmt.effect === 'may' ? 'grant' : 'guardrail', SymbolKind.Event, stmt));
        break;
      default:
        out.push(sym(shortText(doc, stmt as Statement), 'statement', SymbolKind.Object, stmt as Statement));
    }
  }
  return out;
}
