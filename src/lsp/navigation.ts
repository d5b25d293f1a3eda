/**
 * Go to definition, find references and rename of declared names. Groups, address sets and services
 * belong to their file; a tag is a DigitalOcean tag, so its declarations and uses are joined across every
 * file of the workspace that declares it (renaming it renames it there too: otherwise the policies would
 * stop agreeing on which droplets they mean).
 */
import { ResponseError, ErrorCodes, type Location, type Position, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../check/index.js';
import { type Name, nameText } from '../syntax/index.js';
import type { NameDecl } from './names.js';
import { toOffset, toRange } from './positions.js';
import type { PolicyDocument, Workspace } from './workspace.js';

interface Target {
  readonly doc: PolicyDocument;
  readonly decl: NameDecl;
  /** The name under the cursor. */
  readonly name: Name;
}

/** The declared name under the cursor (a declaration, or a use that resolves). */
function targetAt(doc: PolicyDocument, position: Position): Target | undefined {
  const hit = doc.names.at(toOffset(doc.file, position));
  if (hit?.decl) return hit.decl.kind === 'policy' ? undefined : { doc, decl: doc.names.resolve(hit.decl.name.text) ?? hit.decl, name: hit.decl.name };
  if (hit?.use) {
    const decl = doc.names.resolve(hit.use.name.text, hit.use.context);
    if (decl) return { doc, decl, name: hit.use.name };
  }
  return undefined;
}

/** The documents in which the target's name means the same thing: its own, and for a tag every file declaring it. */
function scope(ws: Workspace, target: Target): { doc: PolicyDocument; decl: NameDecl }[] {
  if (target.decl.kind !== 'tag') return [{ doc: target.doc, decl: target.decl }];
  const out = [{ doc: target.doc, decl: target.decl }];
  for (const doc of ws.all()) {
    if (doc === target.doc) continue;
    const decl = doc.names.resolve(target.decl.name.text);
    if (decl?.kind === 'tag') out.push({ doc, decl });
  }
  return out;
}

export function definition(doc: PolicyDocument, position: Position): Location[] {
  const target = targetAt(doc, position);
  // The declaration in this file: the one this policy means (other files' declarations of the same tag
  // are found by references).
  if (!target) return [];
  return [{ uri: doc.uri, range: toRange(doc.file, target.decl.name.span) }];
}

export function references(ws: Workspace, doc: PolicyDocument, position: Position, includeDeclaration: boolean): Location[] {
  const target = targetAt(doc, position);
  if (!target) return [];
  const out: Location[] = [];
  for (const { doc: d, decl } of scope(ws, target)) {
    for (const name of d.names.occurrences(decl)) {
      const isDecl = d.names.declarations.some((x) => x.name === name);
      if (isDecl && !includeDeclaration) continue;
      out.push({ uri: d.uri, range: toRange(d.file, name.span) });
    }
  }
  return out;
}

export function prepareRename(doc: PolicyDocument, position: Position): { range: Range; placeholder: string } | null {
  const target = targetAt(doc, position);
  if (!target) return null;
  return { range: toRange(doc.file, target.name.span), placeholder: target.name.text };
}

export function rename(ws: Workspace, doc: PolicyDocument, position: Position, newName: string): WorkspaceEdit | null {
  const target = targetAt(doc, position);
  if (!target) return null;
  const text = newName.startsWith('"') && newName.endsWith('"') && newName.length >= 2 ? newName.slice(1, -1) : newName;
  if (!NAME_PATTERN.test(text) || text.length > MAX_NAME_LENGTH) {
    throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a valid name: letters, digits, \`-\`, \`_\` and \`:\`, starting with a letter or digit`);
  }
  const changes: Record<string, TextEdit[]> = {};
  for (const { doc: d, decl } of scope(ws, target)) {
    changes[d.uri] = d.names.occurrences(decl).map((name) => ({ range: toRange(d.file, name.span), newText: nameText({ kind: 'Name', text, quoted: false, span: name.span }) }));
  }
  return { changes };
}
