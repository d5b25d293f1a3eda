/**
 * Hover: what a name is (a tag and its firewall, a group and the tags it expands to, an address set and
 * its blocks, a service and its ports, a built-in service), what the statement under the cursor compiles
 * to (the firewalls and rules it contributes, from the same compile as `fwc compile`), and for a
 * diagnostic its `fwc explain` text (src/diagnostics/codes.ts).
 */
import type { Diagnostic as LspDiagnostic, Hover, Position } from 'vscode-languageserver';
import { lookupCode } from '../diagnostics/index.js';
import type { DiagnosticData } from './diagnostics.js';
import { BUILTIN_SERVICES } from '../check/index.js';
import { ruleText } from '../model/index.js';
import type { Span } from '../source/index.js';
import type { Statement } from '../syntax/index.js';
import type { NameDecl, NameIndex } from './names.js';
import { toOffset, toRange } from './positions.js';
import type { PolicyDocument, Workspace } from './workspace.js';

/** At most this many compiled rules are listed for one statement. */
const MAX_RULES = 20;

function code(text: string): string {
  return `\`${text.replaceAll('`', "'")}\``;
}

function statementText(doc: PolicyDocument, stmt: Statement): string {
  return doc.file.text.slice(stmt.span.start, stmt.span.end).replace(/\s*\n\s*/g, ' ');
}

/** The tags a group stands for, following nested groups (a cycle is the checker's to report). */
export function expandGroup(names: NameIndex, decl: NameDecl, seen = new Set<string>()): string[] {
  if (decl.statement.kind !== 'GroupDecl' || seen.has(decl.name.text)) return [];
  seen.add(decl.name.text);
  const out: string[] = [];
  for (const m of decl.statement.members) {
    const target = names.resolve(m.text, 'member');
    if (target?.kind === 'group') out.push(...expandGroup(names, target, seen));
    else out.push(m.text);
  }
  return [...new Set(out)];
}

function describeDecl(ws: Workspace, doc: PolicyDocument, decl: NameDecl): string[] {
  const name = decl.name.text;
  const stmt = decl.statement;
  switch (decl.kind) {
    case 'policy':
      return [`**policy** ${code(name)}`];
    case 'tag': {
      const lines = [`**tag** ${code(name)}: the droplets that carry this DigitalOcean tag`];
      const built = ws.compiledPolicy(doc);
      const firewalls = built?.compiled.firewalls.filter((f) => f.tags.includes(name)).map((f) => code(f.name)) ?? [];
      if (built) lines.push(`governed by policy ${code(built.policy.name)}${firewalls.length > 0 ? `: firewall ${firewalls.join(', ')}` : ''}`);
      const others = ws
        .all()
        .filter((d) => d !== doc && d.names.resolve(name)?.kind === 'tag')
        .map((d) => d.file.path);
      if (others.length > 0) lines.push(`also declared in ${others.join(', ')}`);
      return lines;
    }
    case 'group':
      return stmt.kind === 'GroupDecl'
        ? [`**group** ${code(name)} = ${stmt.members.map((m) => m.text).join(', ')}`, `expands to the tags ${expandGroup(doc.names, decl).map(code).join(', ')}`]
        : [];
    case 'droplets':
      return stmt.kind === 'DropletsDecl'
        ? [`**droplet set** ${code(name)}: governed like a tag, by droplet id (resolved when fwc reads the account)`, ...stmt.members.map((m) => `- ${m.kind === 'Number' ? `droplet ${m.text}` : code(`"${m.text}"`)}`)]
        : [];
    case 'addresses':
      return stmt.kind === 'AddressesDecl' ? [`**address set** ${code(name)}`, ...stmt.addresses.map((a) => `- ${code(a.text)}`)] : [];
    case 'service':
      return stmt.kind === 'ServiceDecl' ? [`**service** ${code(name)}`, code(statementText(doc, stmt))] : [];
  }
}

function describeBuiltin(text: string): string[] | undefined {
  const builtin = BUILTIN_SERVICES.get(text);
  if (!builtin) return undefined;
  return [`**built-in service** ${code(text)}: ${builtin.items.map((i) => `${i.protocol} ${i.port}`).join(', ')}`];
}

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The firewalls and rules a statement contributes, from the last build. */
function compiledFor(ws: Workspace, doc: PolicyDocument, stmt: Statement): string[] {
  const built = ws.compiledPolicy(doc);
  if (!built || (stmt.kind !== 'Rule' && stmt.kind !== 'Egress')) return [];
  const lines: string[] = [];
  let count = 0;
  let more = 0;
  for (const fw of built.compiled.firewalls) {
    const rules = fw.rules.filter((r) => r.origins.some((o) => o.file === doc.file.path && overlaps(o.span, stmt.span)));
    if (rules.length === 0) continue;
    lines.push(fw.name);
    for (const r of rules) {
      if (count++ < MAX_RULES) lines.push(`  ${ruleText(r)}`);
      else more++;
    }
  }
  for (const db of built.compiled.databases) {
    if (!db.origins.some((o) => o.file === doc.file.path && overlaps(o.span, stmt.span))) continue;
    lines.push(`database "${db.database}" trusted sources`);
    for (const s of db.sources) lines.push(`  ${s.type === 'unresolved' ? `${s.resource} "${s.name}"` : `${s.type}:${s.value}`}`);
  }
  if (more > 0) lines.push(`  … and ${more} more`);
  if (lines.length === 0) {
    if (stmt.kind === 'Rule' && stmt.until && built.policy.grants.some((g) => g.statement === stmt && g.expired)) {
      return ['expired: left out of the compiled firewalls'];
    }
    return [];
  }
  return ['compiles to:', '```', ...lines, '```'];
}

/**
 * `diagnostics`: those published for the document, made from its current text (the caller passes none
 * when the text has changed since), for their explanations.
 */
export function hover(ws: Workspace, doc: PolicyDocument, position: Position, diagnostics: readonly LspDiagnostic[]): Hover | null {
  const offset = toOffset(doc.file, position);
  const sections: string[][] = [];
  let range: Span | undefined;

  const hit = doc.names.at(offset);
  if (hit?.decl) {
    sections.push(describeDecl(ws, doc, hit.decl));
    range = hit.decl.name.span;
  } else if (hit?.use) {
    const target = doc.names.resolve(hit.use.name.text, hit.use.context);
    const builtin = hit.use.context === 'service' && !target ? describeBuiltin(hit.use.name.text) : undefined;
    if (target) sections.push(describeDecl(ws, doc, target));
    else if (builtin) sections.push(builtin);
    else sections.push([`${code(hit.use.name.text)} is not declared in this file`]);
    range = hit.use.name.span;
  }

  const stmt = doc.names.statementAt(offset);
  if (stmt) {
    const compiled = compiledFor(ws, doc, stmt);
    if (compiled.length > 0) sections.push(compiled);
  }

  for (const d of diagnostics) {
    const span = (d.data as DiagnosticData | undefined)?.span;
    const info = typeof d.code === 'string' ? lookupCode(d.code) : undefined;
    if (!span || !info || offset < span.start || offset > span.end) continue;
    sections.push([`**${info.code}** ${info.name}: ${info.title}`, '', info.explanation.replace(/^( {4}.*(\n|$))+/gm, (block) => '```\n' + block.replace(/^ {4}/gm, '') + '```\n')]);
  }

  if (sections.length === 0) return null;
  return {
    contents: { kind: 'markdown', value: sections.map((s) => s.join('\n')).join('\n\n---\n\n') },
    ...(range ? { range: toRange(doc.file, range) } : {}),
  };
}
