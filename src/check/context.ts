/**
 * What every check rule shares: the file, the declarations found so far, and where diagnostics go.
 */
import type { Cidr } from '../model/index.js';
import { type CodeName, diagnostic, type Diagnostic, type DiagnosticInit } from '../diagnostics/index.js';
import type { SourceFile } from '../source/index.js';
import type { AddressesDecl, DropletsDecl, GroupDecl, Name, PolicyFile, ServiceDecl } from '../syntax/index.js';
import type { DropletMember, ServiceAtom } from './policy.js';

export type Declaration =
  | { readonly kind: 'tag'; readonly name: Name }
  | { readonly kind: 'droplets'; readonly name: Name; readonly decl: DropletsDecl }
  | { readonly kind: 'group'; readonly name: Name; readonly decl: GroupDecl }
  | { readonly kind: 'addresses'; readonly name: Name; readonly decl: AddressesDecl }
  | { readonly kind: 'service'; readonly name: Name; readonly decl: ServiceDecl };

export const KIND_WORDS: Record<Declaration['kind'], string> = {
  tag: 'a tag',
  droplets: 'a droplet set',
  group: 'a group',
  addresses: 'an address set',
  service: 'a service',
};

export class CheckContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Every declared name, in declaration order. */
  readonly declarations = new Map<string, Declaration>();
  /** Expansions, filled in by the rules that own them. A group expands to tags and droplet sets. */
  readonly groupTags = new Map<string, string[]>();
  readonly dropletSets = new Map<string, DropletMember[]>();
  readonly addressSets = new Map<string, Cidr[]>();
  readonly services = new Map<string, ServiceAtom[]>();
  /** Every address named in the policy. */
  readonly namedAddresses: Cidr[] = [];

  constructor(
    readonly ast: PolicyFile,
    /** YYYY-MM-DD (UTC). */
    readonly asOf: string,
  ) {}

  get file(): SourceFile {
    return this.ast.source;
  }

  report(name: CodeName, init: Omit<DiagnosticInit, 'file'>): void {
    this.diagnostics.push(diagnostic(name, { ...init, file: this.file }));
  }

  line(offset: number): number {
    return this.file.position(offset).line;
  }

  namesOf(...kinds: Declaration['kind'][]): string[] {
    return [...this.declarations.values()].filter((d) => kinds.includes(d.kind)).map((d) => d.name.text);
  }
}
