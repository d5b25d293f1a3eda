/**
 * Matching statements with the grammar of record (grammar/fwc.ohm, through ohm) and building their trees
 * with ohm's semantics. parse.ts matches here what the recogniser is not sure of, through the matcher it
 * is given (the pipeline's shares a large file with a second thread: pipeline/parallelMatch.ts). This
 * folder starts no thread.
 */
import type { ActionDict, IterationNode, NonterminalNode, Node, Semantics } from 'ohm-js';
import { fwcGrammar } from './grammar.js';
import type { Span } from '../source/index.js';
import type {
  AddressLit,
  Endpoint,
  Name,
  NumberLit,
  PortSpec,
  ServiceItem,
  Statement,
  StringLit,
} from './ast.js';

type Ast =
  | Statement
  | Endpoint
  | ServiceItem
  | Name
  | StringLit
  | NumberLit
  | AddressLit
  | PortSpec
  | readonly Ast[]
  | string
  | null;

// `base` is the offset of the statement in its file: ohm sees only the statement's text.
function spanOf(node: Node, base: number): Span {
  return { start: base + node.source.startIdx, end: base + node.source.endIdx };
}

function unquote(text: string): string {
  return text.slice(1, -1);
}

/** The tree of each grammar rule: one action per rule, as the recogniser builds the same forms. */
const AST_ACTIONS: ActionDict<Ast> = {
  Statement(stmt) {
    return stmt.toAst(this.args.base);
  },
  PolicyDecl(_kw, name, _end) {
    return { kind: 'PolicyDecl', name: name.toAst(this.args.base) as Name, span: spanOf(this, this.args.base) };
  },
  TagsDecl(_kw, names, _end) {
    return { kind: 'TagsDecl', names: names.toAst(this.args.base) as Name[], span: spanOf(this, this.args.base) };
  },
  ReplacesDecl(_kw, _firewall, name, _end) {
    return { kind: 'ReplacesDecl', firewall: name.toAst(this.args.base) as StringLit, span: spanOf(this, this.args.base) };
  },
  DropletsDecl(_kw, name, _eq, members) {
    return {
      kind: 'DropletsDecl',
      name: name.toAst(this.args.base) as Name,
      members: members.toAst(this.args.base) as (StringLit | NumberLit)[],
      span: spanOf(this, this.args.base),
    };
  },
  DropletRef_name(s) {
    return s.toAst(this.args.base);
  },
  DropletRef_id(n) {
    return n.toAst(this.args.base);
  },
  GroupDecl(_kw, name, _eq, members) {
    return {
      kind: 'GroupDecl',
      name: name.toAst(this.args.base) as Name,
      members: members.toAst(this.args.base) as Name[],
      span: spanOf(this, this.args.base),
    };
  },
  AddressesDecl(_kw, name, _eq, addresses) {
    return {
      kind: 'AddressesDecl',
      name: name.toAst(this.args.base) as Name,
      addresses: addresses.toAst(this.args.base) as AddressLit[],
      span: spanOf(this, this.args.base),
    };
  },
  ServiceDecl(_kw, name, _eq, items) {
    return {
      kind: 'ServiceDecl',
      name: name.toAst(this.args.base) as Name,
      items: items.toAst(this.args.base) as ServiceItem[],
      span: spanOf(this, this.args.base),
    };
  },
  EgressStmt(_egress, _from, tags, _is, mode) {
    return {
      kind: 'Egress',
      tags: tags.toAst(this.args.base) as Name[],
      mode: mode.sourceString === 'restricted' ? 'restricted' : 'open',
      modeSpan: spanOf(mode, this.args.base),
      span: spanOf(this, this.args.base),
    };
  },
  ExpectStmt(_kw, sources, verdict, _reach, dests, on) {
    return {
      kind: 'Expect',
      sources: sources.toAst(this.args.base) as Endpoint[],
      verdict: verdict.sourceString === 'cannot' ? 'cannot' : 'can',
      verdictSpan: spanOf(verdict, this.args.base),
      dests: dests.toAst(this.args.base) as Endpoint[],
      services: optional(on, this.args.base) as ServiceItem[] | null,
      span: spanOf(this, this.args.base),
    };
  },
  RuleStmt(sources, effect, _reach, dests, on, until) {
    const base = this.args.base as number;
    const onNode = on.children[0] as NonterminalNode | undefined;
    const untilNode = until.children[0] as NonterminalNode | undefined;
    const dateNode = untilNode?.children[1];
    return {
      kind: 'Rule',
      sources: sources.toAst(base) as Endpoint[],
      effect: effect.ctorName === 'Effect' && effect.children[0]?.ctorName === 'Effect_mustNot' ? 'must-not' : 'may',
      effectSpan: spanOf(effect, base),
      dests: dests.toAst(base) as Endpoint[],
      services: onNode ? (onNode.toAst(base) as ServiceItem[]) : null,
      onSpan: onNode?.children[0] ? spanOf(onNode.children[0], base) : null,
      until: dateNode ? { text: dateNode.sourceString, span: spanOf(dateNode, base) } : null,
      span: spanOf(this, base),
    };
  },
  Endpoints(list) {
    return list.toAst(this.args.base);
  },
  Endpoint_anyone(_kw) {
    return { kind: 'Anyone', span: spanOf(this, this.args.base) };
  },
  Endpoint_loadBalancer(_kw, name) {
    return { kind: 'LoadBalancer', name: name.toAst(this.args.base) as StringLit, span: spanOf(this, this.args.base) };
  },
  Endpoint_cluster(_kw, name) {
    return { kind: 'Cluster', name: name.toAst(this.args.base) as StringLit, span: spanOf(this, this.args.base) };
  },
  Endpoint_droplet(_kw, ref) {
    return { kind: 'Droplet', ref: ref.toAst(this.args.base) as StringLit | NumberLit, span: spanOf(this, this.args.base) };
  },
  Endpoint_database(_kw, name) {
    return { kind: 'Database', name: name.toAst(this.args.base) as StringLit, span: spanOf(this, this.args.base) };
  },
  Endpoint_tag(_kw, name) {
    return { kind: 'TagRef', name: name.toAst(this.args.base) as StringLit, span: spanOf(this, this.args.base) };
  },
  Endpoint_vpc(_kw, name) {
    return { kind: 'Vpc', name: name.toAst(this.args.base) as StringLit, span: spanOf(this, this.args.base) };
  },
  OnClause(_on, items) {
    return items.toAst(this.args.base);
  },
  ServiceItem_tcp(_kw, ports) {
    return { kind: 'Protocol', protocol: 'tcp', ports: optional(ports, this.args.base) as PortSpec | null, span: spanOf(this, this.args.base) };
  },
  ServiceItem_udp(_kw, ports) {
    return { kind: 'Protocol', protocol: 'udp', ports: optional(ports, this.args.base) as PortSpec | null, span: spanOf(this, this.args.base) };
  },
  ServiceItem_icmp(_kw) {
    return { kind: 'Icmp', span: spanOf(this, this.args.base) };
  },
  ServiceItem_all(_kw) {
    return { kind: 'All', span: spanOf(this, this.args.base) };
  },
  ServiceItem_port(ports) {
    return { kind: 'Port', ports: ports.toAst(this.args.base) as PortSpec, span: spanOf(this, this.args.base) };
  },
  ServiceItem_name(name) {
    return { kind: 'ServiceRef', name: name.toAst(this.args.base) as Name, span: spanOf(this, this.args.base) };
  },
  DeclName_quoted(s) {
    return { kind: 'Name', text: unquote(s.sourceString), quoted: true, span: spanOf(this, this.args.base) };
  },
  DeclName_bare(n) {
    return { kind: 'Name', text: n.sourceString, quoted: false, span: spanOf(this, this.args.base) };
  },
  NameRef_quoted(s) {
    return { kind: 'Name', text: unquote(s.sourceString), quoted: true, span: spanOf(this, this.args.base) };
  },
  NameRef_bare(n) {
    return { kind: 'Name', text: n.sourceString, quoted: false, span: spanOf(this, this.args.base) };
  },
  string(_open, _chars, _close) {
    return { kind: 'String', text: unquote(this.sourceString), span: spanOf(this, this.args.base) };
  },
  number(_digits) {
    return { kind: 'Number', text: this.sourceString, span: spanOf(this, this.args.base) };
  },
  portSpec_range(from, _dash, to) {
    const base = this.args.base as number;
    return {
      kind: 'PortSpec',
      from: { kind: 'Number', text: from.sourceString, span: spanOf(from, base) },
      to: { kind: 'Number', text: to.sourceString, span: spanOf(to, base) },
      span: spanOf(this, base),
    };
  },
  portSpec_single(digits) {
    const base = this.args.base as number;
    return { kind: 'PortSpec', from: { kind: 'Number', text: digits.sourceString, span: spanOf(digits, base) }, to: null, span: spanOf(this, base) };
  },
  address(_ip, _prefix) {
    return { kind: 'Address', text: this.sourceString, span: spanOf(this, this.args.base) };
  },
  NonemptyListOf(first, _seps, rest) {
    return [first.toAst(this.args.base), ...(rest.children.map((c) => c.toAst(this.args.base)) as Ast[])];
  },
  _iter(...children) {
    return children.map((c) => c.toAst(this.args.base));
  },
};

// Made with the grammar, on the first statement the recogniser leaves to ohm.
let semantics: Semantics | undefined;
const makeSemantics = (): Semantics => fwcGrammar().createSemantics().addOperation<Ast>('toAst(base)', AST_ACTIONS);

function optional(node: IterationNode | NonterminalNode, base: number): Ast {
  const child = node.children[0];
  return child ? (child.toAst(base) as Ast) : null;
}

/** The outcome of matching one statement: its tree, or where and what the grammar expected. */
export type StatementMatch =
  | { readonly ok: true; readonly statement: Statement }
  | { readonly ok: false; readonly at: number; readonly expected: string };

/** Matches statements (spans of `text`) one by one, on the thread it is called on. */
export function matchStatements(text: string, spans: readonly Span[]): StatementMatch[] {
  return spans.map((span) => {
    const match = fwcGrammar().match(text.slice(span.start, span.end), 'Statement');
    if (!match.failed()) return { ok: true, statement: (semantics ??= makeSemantics())(match).toAst(span.start) as Statement };
    return { ok: false, at: span.start + match.getRightmostFailurePosition(), expected: match.getExpectedText() };
  });
}
