/**
 * What fwc compiles to, in DigitalOcean's terms but in fwc's canonical form: firewalls made of atomic
 * rules (one direction, protocol, port interval, peer and action each). Desired firewalls (compiled from a
 * policy) and live ones (read from the API) are both held in this form, so comparing them is a set
 * difference of rule keys, whatever spelling the API used.
 */
import type { Cidr } from './addresses.js';
import type { Span } from '../source/index.js';

export type Protocol = 'tcp' | 'udp' | 'icmp';
export type Direction = 'inbound' | 'outbound';
export type Action = 'allow' | 'deny';

/**
 * The ports of a rule. NOTE: the API answers `"0"` for a rule written `"all"`, keeps `"1-65535"` as
 * written and always says `"0"` for ICMP; in fwc all of those are `{ kind: 'all' }`, and a range is
 * never `1-65535`.
 */
export type Ports = { readonly kind: 'all' } | { readonly kind: 'range'; readonly from: number; readonly to: number };

/** The other end of a rule: who may send (inbound) or be sent to (outbound). */
export type Peer =
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'address'; readonly cidr: Cidr }
  | { readonly kind: 'droplet'; readonly id: number }
  | { readonly kind: 'load-balancer'; readonly id: string }
  | { readonly kind: 'kubernetes'; readonly id: string }
  /** A resource named in the policy, resolved to its id only at plan time (see README, "Compiled output"). */
  | { readonly kind: 'unresolved'; readonly resource: 'droplet' | 'load-balancer' | 'cluster' | 'vpc'; readonly name: string };

/** Where a rule came from: the statement(s) of a policy file that produced it. */
export interface Origin {
  readonly file: string;
  readonly span: Span;
  /** 1-based line of the statement, for messages ("policies/shop.fw:12"). */
  readonly line: number;
}

/** One atomic rule. */
export interface Rule {
  readonly direction: Direction;
  readonly protocol: Protocol;
  readonly ports: Ports;
  readonly peer: Peer;
  readonly action: Action;
  readonly origins: readonly Origin[];
}

/** A firewall in canonical form. `rules` are canonical (see canonicalRules) and sorted by key. */
export interface Firewall {
  readonly name: string;
  readonly tags: readonly string[];
  readonly dropletIds: readonly number[];
  readonly rules: readonly Rule[];
  /** For the firewall of a droplet set: which set, and its droplets by name until plan time resolves them. */
  readonly set?: DropletSetTarget;
}

/** The droplets a droplet set's firewall applies to (`droplets NAME = …`). */
export interface DropletSetTarget {
  readonly policy: string;
  readonly name: string;
  /** The set's declaration, where a droplet that cannot be resolved is reported. */
  readonly origin: Origin;
  /** Where each member is written (`"web-1"` or `12345`), for errors about one droplet. */
  readonly memberSpans?: Readonly<Record<string, Span>>;
  /** Members named by name, not yet resolved (ids are in the firewall's dropletIds). */
  readonly unresolved: readonly string[];
  /** The rule shard (1-based) and how many there are, before plan time splits by droplets too. */
  readonly shard: number;
  readonly shards: number;
}

/** A rule as DigitalOcean groups them: one protocol, port interval and action, several peers. */
export interface GroupedRule {
  readonly direction: Direction;
  readonly protocol: Protocol;
  readonly ports: Ports;
  readonly action: Action;
  readonly peers: readonly Peer[];
}

/** One trusted source of a managed database (DigitalOcean has no deny and no ports there). */
export type TrustedSource =
  | { readonly type: 'tag'; readonly value: string }
  | { readonly type: 'ip_addr'; readonly value: string }
  | { readonly type: 'droplet'; readonly value: string }
  | { readonly type: 'k8s'; readonly value: string }
  | { readonly type: 'unresolved'; readonly resource: 'droplet' | 'cluster' | 'vpc'; readonly name: string };

/** The trusted sources that a policy wants on one managed database cluster. */
export interface DatabaseTrust {
  /** The database cluster's name as the policy writes it. */
  readonly database: string;
  readonly sources: readonly TrustedSource[];
  readonly origins: readonly Origin[];
}

/** What one policy compiles to. */
export interface CompiledPolicy {
  readonly policy: string;
  /** The tags the policy governs, as declared. */
  readonly tags: readonly string[];
  /** The droplet sets the policy governs, as declared. */
  readonly dropletSets?: readonly string[];
  readonly firewalls: readonly Firewall[];
  readonly databases: readonly DatabaseTrust[];
}
