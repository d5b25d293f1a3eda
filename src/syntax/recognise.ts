/**
 * A fast path in front of the grammar: a hand-written recogniser for the usual statement forms that
 * builds exactly the tree the grammar's semantics build (parse.ts), in a few microseconds instead of
 * ohm's hundreds. It recognises only what it is sure of and returns null for anything else — an
 * unusual form, a keyword used as a name where the grammar's ordered choices decide, anything that
 * does not parse — and then the statement goes to ohm, which stays the grammar of record and the only
 * source of syntax errors. So error messages cannot change. test/syntax/recognise.test.ts proves the two
 * equal on generated, example and hostile statements.
 */
import type { Span } from '../source/index.js';
import type { AddressLit, Endpoint, Name, NumberLit, PortSpec, ServiceItem, Statement, StringLit } from './ast.js';

interface Token {
  readonly kind: 'word' | 'string' | 'punct';
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Not sure: the statement goes to ohm. */
class Unsure extends Error {}
const UNSURE = new Unsure();
function unsure(): never {
  throw UNSURE;
}

// Words are maximal runs of name characters and the characters addresses add; a keyword or a name must
// be a whole word (the grammar's `~nameChar`), an address too (`~(nameChar | ".")`).
const WORD = /[A-Za-z0-9_:.\/-]+/y;
const STRING = /"[^"\n]*"/y;

/** The tokens of a statement; comments and white space (ohm's `space`: every char up to U+0020) skipped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c <= 0x20) {
      i++;
      continue;
    }
    if (c === 0x23 /* # */) {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? text.length : nl;
      continue;
    }
    if (c === 0x2c /* , */ || c === 0x3d /* = */) {
      tokens.push({ kind: 'punct', text: text[i]!, start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === 0x22 /* " */) {
      STRING.lastIndex = i;
      const m = STRING.exec(text);
      if (!m) unsure();
      tokens.push({ kind: 'string', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    WORD.lastIndex = i;
    const m = WORD.exec(text);
    if (!m) unsure();
    tokens.push({ kind: 'word', text: m[0], start: i, end: i + m[0].length });
    i += m[0].length;
  }
  return tokens;
}

const BARE_NAME = /^[A-Za-z0-9][A-Za-z0-9_:-]*$/;
const DIGITS = /^[0-9]+$/;
const PORTS = /^([0-9]+)(?:-([0-9]+))?$/;
const DATE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
// Addresses the grammar surely reads as such (address = (ipv6 | ipv4) prefixLength? ~(nameChar | ".")):
// dotted quads, hex groups around one `::`, eight hex groups; each with an optional `/digits`. Other
// spellings (an IPv4 tail on IPv6, say) are left to ohm.
const IPV4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+(?:\/[0-9]+)?$/;
const IPV6_COMPRESSED = /^(?:[0-9A-Fa-f]+(?::[0-9A-Fa-f]+)*)?::(?:[0-9A-Fa-f]+(?::[0-9A-Fa-f]+)*)?(?:\/[0-9]+)?$/;
const IPV6_FULL = /^[0-9A-Fa-f]+(?::[0-9A-Fa-f]+){7}(?:\/[0-9]+)?$/;
/**
 * A word the grammar might read as an address: then only the sure forms are taken, else ohm decides.
 * A word with no `.`, `/` or `::` and fewer than seven `:` can be no address (IPv4 needs dots, IPv6
 * `::` or eight groups), so `env:prod` is a name.
 */
function maybeAddress(word: string): boolean {
  if (word.includes('.') || word.includes('/') || word.includes('::')) return true;
  let colons = 0;
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) === 0x3a) colons++;
  return colons >= 6;
}

/** The endpoint kinds written as a keyword and a quoted name. */
const RESOURCE_KINDS: Record<string, 'LoadBalancer' | 'Cluster' | 'Database' | 'TagRef' | 'Vpc'> = {
  'load-balancer': 'LoadBalancer',
  cluster: 'Cluster',
  database: 'Database',
  tag: 'TagRef',
  vpc: 'Vpc',
};

const isAddress = (w: string) => IPV4.test(w) || IPV6_COMPRESSED.test(w) || IPV6_FULL.test(w);

class Reader {
  private i = 0;
  constructor(
    private readonly tokens: readonly Token[],
    private readonly base: number,
  ) {}

  private span(from: Token, to: Token): Span {
    return { start: this.base + from.start, end: this.base + to.end };
  }

  peek(): Token | undefined {
    return this.tokens[this.i];
  }

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) unsure();
    return t;
  }

  /** Whether the next token is the keyword `kw` (a whole word); consumed if so. */
  keyword(kw: string): Token | null {
    const t = this.peek();
    if (t && t.kind === 'word' && t.text === kw) {
      this.i++;
      return t;
    }
    return null;
  }

  expectKeyword(kw: string): Token {
    return this.keyword(kw) ?? unsure();
  }

  punct(p: string): boolean {
    const t = this.peek();
    if (t && t.kind === 'punct' && t.text === p) {
      this.i++;
      return true;
    }
    return false;
  }

  /** DeclName / NameRef: a quoted name or a bare one (keywords included, as the grammar has it). */
  name(): Name {
    const t = this.next();
    if (t.kind === 'string') return { kind: 'Name', text: t.text.slice(1, -1), quoted: true, span: this.span(t, t) };
    if (t.kind === 'word' && BARE_NAME.test(t.text)) return { kind: 'Name', text: t.text, quoted: false, span: this.span(t, t) };
    return unsure();
  }

  string(): StringLit {
    const t = this.next();
    if (t.kind !== 'string') unsure();
    return { kind: 'String', text: t.text.slice(1, -1), span: this.span(t, t) };
  }

  address(): AddressLit {
    const t = this.next();
    if (t.kind !== 'word' || !isAddress(t.text)) unsure();
    return { kind: 'Address', text: t.text, span: this.span(t, t) };
  }

  list<T>(item: () => T): T[] {
    const out = [item()];
    while (this.punct(',')) out.push(item());
    return out;
  }

  endpoint(): Endpoint {
    const t = this.peek() ?? unsure();
    if (t.kind === 'string') return this.name();
    if (t.kind !== 'word') unsure();
    const after = this.tokens[this.i + 1];
    switch (t.text) {
      case 'anyone':
        this.i++;
        return { kind: 'Anyone', span: this.span(t, t) };
      case 'load-balancer':
      case 'cluster':
      case 'database':
      case 'tag':
      case 'vpc': {
        // Not followed by a quoted name, the grammar reads the word as a name: its choice, not ours.
        if (after?.kind !== 'string') unsure();
        this.i++;
        const name = this.string();
        return { kind: RESOURCE_KINDS[t.text]!, name, span: this.span(t, after) };
      }
      case 'droplet': {
        if (after?.kind === 'string') {
          this.i++;
          return { kind: 'Droplet', ref: this.string(), span: this.span(t, after) };
        }
        if (after?.kind === 'word' && DIGITS.test(after.text)) {
          this.i += 2;
          const ref: NumberLit = { kind: 'Number', text: after.text, span: this.span(after, after) };
          return { kind: 'Droplet', ref, span: this.span(t, after) };
        }
        return unsure();
      }
    }
    if (maybeAddress(t.text)) return this.address();
    return this.name();
  }

  portSpec(t: Token): PortSpec | null {
    const m = PORTS.exec(t.text);
    if (!m) return null;
    const fromEnd = t.start + m[1]!.length;
    const from: NumberLit = { kind: 'Number', text: m[1]!, span: { start: this.base + t.start, end: this.base + fromEnd } };
    const to: NumberLit | null = m[2] === undefined ? null : { kind: 'Number', text: m[2], span: { start: this.base + fromEnd + 1, end: this.base + t.end } };
    return { kind: 'PortSpec', from, to, span: this.span(t, t) };
  }

  serviceItem(): ServiceItem {
    const t = this.peek() ?? unsure();
    if (t.kind === 'string') {
      const name = this.name();
      return { kind: 'ServiceRef', name, span: name.span };
    }
    if (t.kind !== 'word') unsure();
    if (t.text === 'tcp' || t.text === 'udp') {
      this.i++;
      const after = this.peek();
      const ports = after?.kind === 'word' ? this.portSpec(after) : null;
      if (ports) this.i++;
      else if (after?.kind === 'word' && /^[0-9]/.test(after.text)) unsure(); // `tcp 80a`: ohm decides
      return { kind: 'Protocol', protocol: t.text, ports, span: this.span(t, ports ? after! : t) };
    }
    if (t.text === 'icmp') {
      this.i++;
      return { kind: 'Icmp', span: this.span(t, t) };
    }
    if (t.text === 'all') {
      this.i++;
      return { kind: 'All', span: this.span(t, t) };
    }
    const ports = this.portSpec(t);
    if (ports) {
      this.i++;
      return { kind: 'Port', ports, span: ports.span };
    }
    const name = this.name();
    return { kind: 'ServiceRef', name, span: name.span };
  }

  statement(): Statement {
    const first = this.peek() ?? unsure();
    const form = first.kind === 'word' && Object.hasOwn(KEYWORD_FORMS, first.text) ? KEYWORD_FORMS[first.text as keyof typeof KEYWORD_FORMS] : null;
    if (!form) return this.rule(first);
    this.i++;
    return form.call(this, first);
  }

  private last(): Token {
    return this.tokens[this.i - 1]!;
  }

  policyDecl(start: Token): Statement {
    const name = this.name();
    return { kind: 'PolicyDecl', name, span: this.span(start, this.last()) };
  }

  tagsDecl(start: Token): Statement {
    const names = this.list(() => this.name());
    return { kind: 'TagsDecl', names, span: this.span(start, this.last()) };
  }

  /** `NAME = ITEM, ITEM, …`, the body of a declaration; anything else is the grammar's to read. */
  private namedList<T>(item: () => T): { name: Name; items: T[] } {
    const name = this.name();
    if (!this.punct('=')) unsure();
    return { name, items: this.list(item) };
  }

  /** `droplets NAME = …`; anything else starting with the word is the grammar's to read. */
  dropletsDecl(start: Token): Statement {
    const { name, items: members } = this.namedList((): StringLit | NumberLit => {
      const t = this.peek();
      if (t?.kind === 'word' && DIGITS.test(t.text)) {
        this.i++;
        return { kind: 'Number', text: t.text, span: this.span(t, t) };
      }
      return this.string();
    });
    return { kind: 'DropletsDecl', name, members, span: this.span(start, this.last()) };
  }

  groupDecl(start: Token): Statement {
    const { name, items: members } = this.namedList(() => this.name());
    return { kind: 'GroupDecl', name, members, span: this.span(start, this.last()) };
  }

  addressesDecl(start: Token): Statement {
    const { name, items: addresses } = this.namedList(() => this.address());
    return { kind: 'AddressesDecl', name, addresses, span: this.span(start, this.last()) };
  }

  serviceDecl(start: Token): Statement {
    const { name, items } = this.namedList(() => this.serviceItem());
    return { kind: 'ServiceDecl', name, items, span: this.span(start, this.last()) };
  }

  egress(start: Token): Statement {
    this.expectKeyword('from');
    const tags = this.list(() => this.name());
    this.expectKeyword('is');
    const mode = this.keyword('restricted') ?? this.keyword('open') ?? unsure();
    return { kind: 'Egress', tags, mode: mode.text === 'restricted' ? 'restricted' : 'open', modeSpan: this.span(mode, mode), span: this.span(start, this.last()) };
  }

  expect(start: Token): Statement {
    const sources = this.list(() => this.endpoint());
    const verdict = this.keyword('cannot') ?? this.keyword('can') ?? unsure();
    this.expectKeyword('reach');
    const dests = this.list(() => this.endpoint());
    const services = this.keyword('on') ? this.list(() => this.serviceItem()) : null;
    return {
      kind: 'Expect',
      sources,
      verdict: verdict.text === 'cannot' ? 'cannot' : 'can',
      verdictSpan: this.span(verdict, verdict),
      dests,
      services,
      span: this.span(start, this.last()),
    };
  }

  /** `SOURCES may reach DESTS [on SERVICES] [until DATE]`, or `must not reach`. */
  rule(start: Token): Statement {
    const sources = this.list(() => this.endpoint());
    const must = this.keyword('must');
    const effectStart = must ?? this.expectKeyword('may');
    const effectEnd = must ? this.expectKeyword('not') : effectStart;
    this.expectKeyword('reach');
    const dests = this.list(() => this.endpoint());
    const on = this.keyword('on');
    const services = on ? this.list(() => this.serviceItem()) : null;
    let until: { text: string; span: Span } | null = null;
    if (this.keyword('until')) {
      const date = this.next();
      if (date.kind !== 'word' || !DATE.test(date.text)) unsure();
      until = { text: date.text, span: this.span(date, date) };
    }
    return {
      kind: 'Rule',
      sources,
      effect: must ? 'must-not' : 'may',
      effectSpan: this.span(effectStart, effectEnd),
      dests,
      services,
      onSpan: on ? this.span(on, on) : null,
      until,
      span: this.span(start, this.last()),
    };
  }
}

/** The statements that start with a keyword, by that keyword; every other statement is a rule. */
const KEYWORD_FORMS = {
  policy: Reader.prototype.policyDecl,
  tags: Reader.prototype.tagsDecl,
  droplets: Reader.prototype.dropletsDecl,
  group: Reader.prototype.groupDecl,
  addresses: Reader.prototype.addressesDecl,
  service: Reader.prototype.serviceDecl,
  egress: Reader.prototype.egress,
  expect: Reader.prototype.expect,
} as const;

/**
 * The tree of one statement (`text`, at offset `base` of its file), or null when the recogniser is not
 * sure — then ohm matches it (parse.ts).
 */
export function recogniseStatement(text: string, base: number): Statement | null {
  try {
    const reader = new Reader(tokenize(text), base);
    const statement = reader.statement();
    return reader.done() ? statement : null;
  } catch (error) {
    if (error === UNSURE) return null;
    throw error;
  }
}
