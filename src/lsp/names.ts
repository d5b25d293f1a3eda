/**
 * The names of one parsed file: where each is declared and where it is used. Definition, references,
 * rename, hover, completion and semantic tokens all read this index; it is built from the syntax tree
 * (src/syntax/ast.ts), so new statement forms only need a case in `walk` below.
 *
 * Names are scoped to their file (LANGUAGE.md), except tags: a tag is a DigitalOcean tag, the same in
 * every file that declares it, so the workspace index (workspace.ts) joins tags across files.
 */
import { BUILTIN_SERVICES } from '../check/index.js';
import type { Span } from '../source/index.js';
import type { Endpoint, Name, PolicyFile, ServiceItem, Statement } from '../syntax/index.js';

export type NameKind = 'policy' | 'tag' | 'droplets' | 'group' | 'addresses' | 'service';

/** Where a reference may point, by the place it stands in. */
export type RefContext = 'endpoint' | 'member' | 'service';

export interface NameDecl {
  readonly kind: NameKind;
  readonly name: Name;
  readonly statement: Statement;
}

export interface NameUse {
  readonly name: Name;
  readonly context: RefContext;
  readonly statement: Statement;
}

/** The kinds a reference in each place may resolve to (the checker reports the others). */
const CONTEXT_KINDS: Record<RefContext, readonly NameKind[]> = {
  endpoint: ['tag', 'droplets', 'group', 'addresses'],
  member: ['tag', 'droplets', 'group'],
  service: ['service'],
};

export class NameIndex {
  readonly declarations: NameDecl[] = [];
  readonly uses: NameUse[] = [];
  /** First declaration of each name (the checker reports later ones as duplicates). */
  private readonly byText = new Map<string, NameDecl>();

  constructor(readonly ast: PolicyFile) {
    for (const stmt of ast.statements) this.walk(stmt);
  }

  private declare(kind: NameKind, name: Name, statement: Statement): void {
    const decl = { kind, name, statement };
    this.declarations.push(decl);
    if (kind !== 'policy' && !this.byText.has(name.text)) this.byText.set(name.text, decl);
  }

  private use(name: Name, context: RefContext, statement: Statement): void {
    this.uses.push({ name, context, statement });
  }

  private endpoints(list: readonly Endpoint[], stmt: Statement): void {
    for (const e of list) if (e.kind === 'Name') this.use(e, 'endpoint', stmt);
  }

  private services(list: readonly ServiceItem[] | null, stmt: Statement): void {
    for (const s of list ?? []) if (s.kind === 'ServiceRef') this.use(s.name, 'service', stmt);
  }

  private walk(stmt: Statement): void {
    switch (stmt.kind) {
      case 'PolicyDecl':
        this.declare('policy', stmt.name, stmt);
        break;
      case 'TagsDecl':
        for (const n of stmt.names) this.declare('tag', n, stmt);
        break;
      case 'DropletsDecl':
        this.declare('droplets', stmt.name, stmt);
        break;
      case 'GroupDecl':
        this.declare('group', stmt.name, stmt);
        for (const m of stmt.members) this.use(m, 'member', stmt);
        break;
      case 'AddressesDecl':
        this.declare('addresses', stmt.name, stmt);
        break;
      case 'ServiceDecl':
        this.declare('service', stmt.name, stmt);
        this.services(stmt.items, stmt);
        break;
      case 'Egress':
        for (const t of stmt.tags) this.use(t, 'member', stmt);
        break;
      case 'Expect':
      case 'Rule':
        this.endpoints(stmt.sources, stmt);
        this.endpoints(stmt.dests, stmt);
        this.services(stmt.services, stmt);
        break;
      default:
        // A statement form this index does not know yet (the language grows): it simply has no names here.
        break;
    }
  }

  /** The declaration a name refers to in this file, if it is declared here with a kind that fits. */
  resolve(text: string, context?: RefContext): NameDecl | undefined {
    const decl = this.byText.get(text);
    if (!decl) return undefined;
    return !context || CONTEXT_KINDS[context].includes(decl.kind) ? decl : undefined;
  }

  /** Declared names usable in a context, in declaration order. */
  namesFor(context: RefContext): NameDecl[] {
    return [...this.byText.values()].filter((d) => CONTEXT_KINDS[context].includes(d.kind));
  }

  /** The declaration or use whose name covers `offset` (its end included, where the cursor stands after typing). */
  at(offset: number): { decl?: NameDecl; use?: NameUse } | undefined {
    const inside = (s: Span) => offset >= s.start && offset <= s.end;
    const decl = this.declarations.find((d) => inside(d.name.span));
    if (decl) return { decl };
    const use = this.uses.find((u) => inside(u.name.span));
    return use ? { use } : undefined;
  }

  /** Every occurrence (declarations and uses) of the declared name `decl`. */
  occurrences(decl: NameDecl): Name[] {
    const out: Name[] = this.declarations.filter((d) => d.kind === decl.kind && d.name.text === decl.name.text).map((d) => d.name);
    for (const u of this.uses) if (u.name.text === decl.name.text && this.resolve(u.name.text, u.context) === this.byText.get(decl.name.text)) out.push(u.name);
    return out.sort((a, b) => a.span.start - b.span.start);
  }

  /** The statement that covers `offset`, if any. */
  statementAt(offset: number): Statement | undefined {
    return this.ast.statements.find((s) => offset >= s.span.start && offset <= s.span.end);
  }
}

export function isBuiltinService(text: string): boolean {
  return BUILTIN_SERVICES.has(text);
}
