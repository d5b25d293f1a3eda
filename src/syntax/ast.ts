/**
 * The syntax tree of a .fw file. Every node has a `kind` and a `span` (offsets into the file); it mirrors
 * what was written, and meaning is given later by src/check/. Nothing here depends on ohm.
 */
import type { SourceFile, Span } from '../source/index.js';

/** A name as written: bare (`web`) or quoted (`"on"`). `text` is the name without quotes. */
export interface Name {
  readonly kind: 'Name';
  readonly text: string;
  readonly quoted: boolean;
  readonly span: Span;
}

/** A quoted resource name: `"shop-lb"` (for load balancers, clusters, droplets and databases). */
export interface StringLit {
  readonly kind: 'String';
  readonly text: string;
  readonly span: Span;
}

export interface NumberLit {
  readonly kind: 'Number';
  readonly text: string;
  readonly span: Span;
}

/** An address or CIDR block as written; validated by the checker. */
export interface AddressLit {
  readonly kind: 'Address';
  readonly text: string;
  readonly span: Span;
}

/** `80` or `8000-9000` as written; values are checked by the checker. */
export interface PortSpec {
  readonly kind: 'PortSpec';
  readonly from: NumberLit;
  readonly to: NumberLit | null;
  readonly span: Span;
}

export type ServiceItem =
  | { readonly kind: 'Protocol'; readonly protocol: 'tcp' | 'udp'; readonly ports: PortSpec | null; readonly span: Span }
  | { readonly kind: 'Icmp'; readonly span: Span }
  | { readonly kind: 'All'; readonly span: Span }
  | { readonly kind: 'Port'; readonly ports: PortSpec; readonly span: Span }
  | { readonly kind: 'ServiceRef'; readonly name: Name; readonly span: Span };

export type Endpoint =
  | { readonly kind: 'Anyone'; readonly span: Span }
  | { readonly kind: 'LoadBalancer'; readonly name: StringLit; readonly span: Span }
  | { readonly kind: 'Cluster'; readonly name: StringLit; readonly span: Span }
  | { readonly kind: 'Droplet'; readonly ref: StringLit | NumberLit; readonly span: Span }
  | { readonly kind: 'Database'; readonly name: StringLit; readonly span: Span }
  /** `tag "NAME"`: a DigitalOcean tag the policy refers to without governing it. */
  | { readonly kind: 'TagRef'; readonly name: StringLit; readonly span: Span }
  /** `vpc "NAME"`: the address range of one of the account's VPCs. */
  | { readonly kind: 'Vpc'; readonly name: StringLit; readonly span: Span }
  | AddressLit
  | Name;

export interface PolicyDecl {
  readonly kind: 'PolicyDecl';
  readonly name: Name;
  readonly span: Span;
}

export interface TagsDecl {
  readonly kind: 'TagsDecl';
  readonly names: readonly Name[];
  readonly span: Span;
}

/**
 * `replaces firewall "NAME"`: the policy takes over an existing firewall it does not own by name; plan
 * shows it deleted, apply deletes it once the policy's firewalls stand and the proof shows no change.
 */
export interface ReplacesDecl {
  readonly kind: 'ReplacesDecl';
  readonly firewall: StringLit;
  readonly span: Span;
}

/** `droplets NAME = "web-1", 12345, …`: a set of droplets the policy governs, by name or id. */
export interface DropletsDecl {
  readonly kind: 'DropletsDecl';
  readonly name: Name;
  readonly members: readonly (StringLit | NumberLit)[];
  readonly span: Span;
}

export interface GroupDecl {
  readonly kind: 'GroupDecl';
  readonly name: Name;
  readonly members: readonly Name[];
  readonly span: Span;
}

export interface AddressesDecl {
  readonly kind: 'AddressesDecl';
  readonly name: Name;
  readonly addresses: readonly AddressLit[];
  readonly span: Span;
}

export interface ServiceDecl {
  readonly kind: 'ServiceDecl';
  readonly name: Name;
  readonly items: readonly ServiceItem[];
  readonly span: Span;
}

export interface EgressStmt {
  readonly kind: 'Egress';
  readonly tags: readonly Name[];
  readonly mode: 'restricted' | 'open';
  readonly modeSpan: Span;
  readonly span: Span;
}

export interface ExpectStmt {
  readonly kind: 'Expect';
  readonly sources: readonly Endpoint[];
  readonly verdict: 'can' | 'cannot';
  readonly verdictSpan: Span;
  readonly dests: readonly Endpoint[];
  readonly services: readonly ServiceItem[] | null;
  readonly span: Span;
}

export interface RuleStmt {
  readonly kind: 'Rule';
  readonly sources: readonly Endpoint[];
  readonly effect: 'may' | 'must-not';
  readonly effectSpan: Span;
  readonly dests: readonly Endpoint[];
  readonly services: readonly ServiceItem[] | null;
  /** The `on` keyword, for messages about the clause. */
  readonly onSpan: Span | null;
  readonly until: { readonly text: string; readonly span: Span } | null;
  readonly span: Span;
}

export type Statement = PolicyDecl | TagsDecl | ReplacesDecl | DropletsDecl | GroupDecl | AddressesDecl | ServiceDecl | EgressStmt | ExpectStmt | RuleStmt;

/** A `#` comment, kept for `fwc fmt`. */
export interface Comment {
  readonly text: string;
  readonly span: Span;
}

/** A parsed file: its statements, comments, and where blank lines were (for `fwc fmt`). */
export interface PolicyFile {
  readonly kind: 'File';
  readonly source: SourceFile;
  readonly statements: readonly Statement[];
  readonly comments: readonly Comment[];
}
