/**
 * `fwc fmt`: prints a parsed file in the canonical layout. One space between words, `, ` in lists, keywords
 * lower-case, names quoted only where they must be, at most one blank line in a row, comments kept where
 * they were (a comment after a list item keeps its line break), continuation lines indented by four
 * spaces, one final newline. Formatting never changes meaning, and formatting twice changes nothing
 * (both are tested).
 */
import { fwcGrammar } from './grammar.js';
import type { Span } from '../source/index.js';
import type { Comment, Endpoint, Name, NumberLit, PolicyFile, PortSpec, ServiceItem, Statement, StringLit } from './ast.js';
import { isReserved } from './keywords.js';
import { splitStatements } from './splitStatements.js';

/**
 * A name prints bare only when, bare, it reads back as the same name where it stands: keywords are
 * contextual, so only the reserved ones are quoted (keywords.ts), and service names also keep
 * `tcp`, `udp`, `icmp` and `all` quoted.
 */
export function nameText(name: Name, position: 'name' | 'service' = 'name'): string {
  const t = name.text;
  const bare =
    /^[A-Za-z0-9][A-Za-z0-9_:-]*$/.test(t) &&
    !isReserved(t, position) &&
    fwcGrammar().match(t, 'address').failed() &&
    fwcGrammar().match(t, 'portSpec').failed() &&
    fwcGrammar().match(t, 'date').failed();
  return bare ? t : `"${t}"`;
}

function portText(p: PortSpec): string {
  return p.to ? `${p.from.text}-${p.to.text}` : p.from.text;
}

function serviceText(item: ServiceItem): string {
  switch (item.kind) {
    case 'Protocol':
      return item.ports ? `${item.protocol} ${portText(item.ports)}` : item.protocol;
    case 'Icmp':
      return 'icmp';
    case 'All':
      return 'all';
    case 'Port':
      return portText(item.ports);
    case 'ServiceRef':
      return nameText(item.name, 'service');
  }
}

function endpointText(e: Endpoint): string {
  switch (e.kind) {
    case 'Anyone':
      return 'anyone';
    case 'LoadBalancer':
      return `load-balancer "${e.name.text}"`;
    case 'Cluster':
      return `cluster "${e.name.text}"`;
    case 'Droplet':
      return e.ref.kind === 'String' ? `droplet "${e.ref.text}"` : `droplet ${e.ref.text}`;
    case 'Database':
      return `database "${e.name.text}"`;
    case 'TagRef':
      return `tag "${e.name.text}"`;
    case 'Vpc':
      return `vpc "${e.name.text}"`;
    case 'Address':
      return e.text;
    case 'Name':
      return nameText(e);
  }
}

interface Piece {
  readonly text: string;
  readonly span: Span;
}

/** Builds the text of one statement, keeping the line breaks (and comments) its author put after commas. */
class StatementPrinter {
  private out = '';

  constructor(
    private readonly text: string,
    private readonly inner: readonly Comment[],
  ) {}

  word(s: string): this {
    this.out += (this.out === '' || this.out.endsWith('\n    ') ? '' : ' ') + s;
    return this;
  }

  list(pieces: readonly Piece[]): this {
    pieces.forEach((piece, i) => {
      this.word(piece.text);
      const next = pieces[i + 1];
      if (!next) return;
      this.out += ',';
      const between = this.text.slice(piece.span.end, next.span.start);
      if (!between.includes('\n')) return;
      const comment = this.inner.find((c) => c.span.start >= piece.span.end && c.span.start < next.span.start);
      // Comment lines of their own inside a list keep their place too.
      const own = this.inner.filter((c) => c !== comment && c.span.start >= piece.span.end && c.span.start < next.span.start);
      if (comment && !this.text.slice(piece.span.end, comment.span.start).includes('\n')) this.out += `  ${comment.text}`;
      else if (comment) own.unshift(comment);
      for (const c of own) this.out += `\n    ${c.text}`;
      this.out += '\n    ';
    });
    return this;
  }

  toString(): string {
    return this.out;
  }
}

function printStatement(stmt: Statement, text: string, inner: readonly Comment[]): string {
  const p = new StatementPrinter(text, inner);
  const names = (ns: readonly Name[]) => ns.map((n) => ({ text: nameText(n), span: n.span }));
  const endpoints = (es: readonly Endpoint[]) => es.map((e) => ({ text: endpointText(e), span: e.span }));
  const services = (ss: readonly ServiceItem[]) => ss.map((s) => ({ text: serviceText(s), span: s.span }));
  switch (stmt.kind) {
    case 'PolicyDecl':
      return p.word('policy').word(nameText(stmt.name)).toString();
    case 'TagsDecl':
      return p.word('tags').list(names(stmt.names)).toString();
    case 'ReplacesDecl':
      return p.word(`replaces firewall "${stmt.firewall.text}"`).toString();
    case 'DropletsDecl':
      return p
        .word('droplets')
        .word(nameText(stmt.name))
        .word('=')
        .list(stmt.members.map((m: StringLit | NumberLit) => ({ text: m.kind === 'String' ? `"${m.text}"` : m.text, span: m.span })))
        .toString();
    case 'GroupDecl':
      return p.word('group').word(nameText(stmt.name)).word('=').list(names(stmt.members)).toString();
    case 'AddressesDecl':
      return p
        .word('addresses')
        .word(nameText(stmt.name))
        .word('=')
        .list(stmt.addresses.map((a) => ({ text: a.text, span: a.span })))
        .toString();
    case 'ServiceDecl':
      return p.word('service').word(nameText(stmt.name, 'service')).word('=').list(services(stmt.items)).toString();
    case 'Egress':
      return p.word('egress from').list(names(stmt.tags)).word(`is ${stmt.mode}`).toString();
    case 'Expect': {
      p.word('expect').list(endpoints(stmt.sources)).word(`${stmt.verdict} reach`).list(endpoints(stmt.dests));
      if (stmt.services) p.word('on').list(services(stmt.services));
      return p.toString();
    }
    case 'Rule': {
      p.list(endpoints(stmt.sources)).word(stmt.effect === 'may' ? 'may reach' : 'must not reach').list(endpoints(stmt.dests));
      if (stmt.services) p.word('on').list(services(stmt.services));
      if (stmt.until) p.word(`until ${stmt.until.text}`);
      return p.toString();
    }
  }
}

/**
 * The canonical text of a file that parsed without errors. `ast.statements` must be the statements of
 * `ast.source` in order (parse() gives exactly that when it reports no diagnostics).
 */
export function format(ast: PolicyFile): string {
  const text = ast.source.text;
  const { chunks } = splitStatements(text);
  const comments = [...ast.comments];
  type Item = { start: number; end: number; render: () => string };
  const items: Item[] = [];
  const used = new Set<Comment>();
  chunks.forEach((chunk, i) => {
    const stmt = ast.statements[i];
    if (!stmt) return;
    const inner = comments.filter((c) => c.span.start > chunk.span.start && c.span.start < chunk.span.end);
    inner.forEach((c) => used.add(c));
    const lineEnd = text.indexOf('\n', chunk.span.end);
    const trailing = comments.find((c) => c.span.start >= chunk.span.end && (lineEnd === -1 || c.span.start < lineEnd));
    if (trailing) used.add(trailing);
    items.push({
      start: chunk.span.start,
      end: trailing ? trailing.span.end : chunk.span.end,
      render: () => printStatement(stmt, text, inner) + (trailing ? `  ${trailing.text}` : ''),
    });
  });
  for (const c of comments) if (!used.has(c)) items.push({ start: c.span.start, end: c.span.end, render: () => c.text });
  items.sort((a, b) => a.start - b.start);

  const lines: string[] = [];
  items.forEach((item, i) => {
    const previous = items[i - 1];
    if (previous && /\n[ \t\r]*\n/.test(text.slice(previous.end, item.start))) lines.push('');
    lines.push(item.render());
  });
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}
