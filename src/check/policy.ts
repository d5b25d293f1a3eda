/**
 * A checked policy: every name resolved, groups expanded, services reduced to protocol and port
 * intervals, addresses parsed. This is what compile/ and analysis/ work from; it no longer refers to
 * names that might be undefined.
 */
import type { Cidr } from '../model/index.js';
import type { SourceFile, Span } from '../source/index.js';
import type { ExpectStmt, RuleStmt } from '../syntax/index.js';

/** One protocol with a port interval (tcp/udp) or icmp. */
export type ServiceAtom =
  | { readonly protocol: 'tcp' | 'udp'; readonly from: number; readonly to: number; readonly span: Span }
  | { readonly protocol: 'icmp'; readonly span: Span };

/** An endpoint with its names resolved. `span` is where the statement names it. */
export type ResolvedEndpoint =
  | { readonly kind: 'tag'; readonly tag: string; readonly span: Span; readonly via?: string }
  | { readonly kind: 'address'; readonly cidr: Cidr; readonly span: Span; readonly via?: string }
  | { readonly kind: 'anyone'; readonly cidrs: readonly Cidr[]; readonly span: Span }
  | { readonly kind: 'load-balancer'; readonly name: string; readonly span: Span }
  | { readonly kind: 'cluster'; readonly name: string; readonly span: Span }
  | { readonly kind: 'droplet'; readonly name: string | null; readonly id: number | null; readonly span: Span }
  | { readonly kind: 'database'; readonly name: string; readonly span: Span }
  /** A declared droplet set: governed, like a tag, but applied by droplet id. */
  | { readonly kind: 'set'; readonly set: string; readonly members: readonly DropletMember[]; readonly span: Span; readonly via?: string }
  /** `tag "NAME"`: a tag the policy refers to and does not govern. */
  | { readonly kind: 'tag-ref'; readonly tag: string; readonly span: Span }
  /** `vpc "NAME"`: a VPC's address range, resolved at plan time. */
  | { readonly kind: 'vpc'; readonly name: string; readonly span: Span };

/** One member of a droplet set: a droplet by name or by id. */
export interface DropletMember {
  readonly name: string | null;
  readonly id: number | null;
  readonly span: Span;
}

/** `droplets NAME = …`: a set of droplets governed by its own firewall, attached by droplet id. */
export interface DropletSetDecl {
  readonly name: string;
  readonly span: Span;
  /** The whole declaration, where plan-time errors about its droplets point. */
  readonly statementSpan: Span;
  readonly members: readonly DropletMember[];
}

/** A `may` or `must not` statement, resolved. */
export interface Grant {
  /** Index of the statement among the policy's grants and guardrails, for stable ordering. */
  readonly index: number;
  readonly effect: 'allow' | 'deny';
  readonly sources: readonly ResolvedEndpoint[];
  readonly dests: readonly ResolvedEndpoint[];
  /** Empty for database destinations, which take no `on` clause. */
  readonly services: readonly ServiceAtom[];
  readonly until: string | null;
  /** True when `until` is before the as-of date: the grant is left out of the compiled result. */
  readonly expired: boolean;
  readonly statement: RuleStmt;
  readonly line: number;
}

export interface Expectation {
  readonly verdict: 'can' | 'cannot';
  readonly sources: readonly ResolvedEndpoint[];
  readonly dests: readonly ResolvedEndpoint[];
  readonly services: readonly ServiceAtom[];
  readonly statement: ExpectStmt;
  readonly line: number;
}

/** `replaces firewall "NAME"`: an existing firewall the policy takes over (and apply deletes). */
export interface ReplacedFirewall {
  readonly name: string;
  /** The whole statement, where plan-time diagnostics about it point. */
  readonly span: Span;
}

export interface TagDecl {
  readonly name: string;
  readonly span: Span;
}

export interface Policy {
  readonly name: string;
  /** Where the name comes from: `policy NAME`, or null when it is the file's base name. */
  readonly nameSpan: Span | null;
  readonly file: SourceFile;
  /** Declared tags, in declaration order. */
  readonly tags: readonly TagDecl[];
  /** Firewalls the policy replaces (`replaces firewall "NAME"`), in order. */
  readonly replaces: readonly ReplacedFirewall[];
  /** Declared droplet sets, in declaration order. */
  readonly dropletSets: readonly DropletSetDecl[];
  /** Tags and droplet sets whose egress is restricted (declared spelling). Every other one's is open. */
  readonly restrictedEgress: ReadonlySet<string>;
  readonly egressSpans: ReadonlyMap<string, Span>;
  readonly grants: readonly Grant[];
  readonly guardrails: readonly Grant[];
  readonly expectations: readonly Expectation[];
  /** Every address the policy names (sets and literals), for choosing representatives outside them. */
  readonly namedAddresses: readonly Cidr[];
  /** The as-of date the policy was checked for (YYYY-MM-DD, UTC). */
  readonly asOf: string;
}
