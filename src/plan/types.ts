/**
 * The plan: what applying the policies would change in the account, in rules and in reachability. It is
 * computed by plan.ts, rendered by render*.ts, saved as versioned JSON (`fwc plan --out`), and executed
 * by `fwc apply`, which refuses a saved plan whose live firewalls changed since (fingerprints).
 */
import type { Cidr, Firewall, Rule, TrustedSource } from '../model/index.js';
import type { Diagnostic } from '../diagnostics/index.js';

/**
 * Bumped on any incompatible change of the saved plan's shape. 2: the desired databases, the databases'
 * fingerprints and the policies' address blocks, so that apply recomputes what a saved plan shows.
 */
export const PLAN_FORMAT_VERSION = 2;

/** A live firewall as the plan needs it (the client's reading satisfies this shape). */
export interface LiveFirewall {
  readonly id: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly dropletIds: readonly number[];
  /** Its rules in canonical form. */
  readonly firewall: Firewall;
  /** A stable hash of its content; equal across reads that differ only in order or spelling. */
  readonly fingerprint: string;
  readonly status?: string;
  /** How many rules DigitalOcean stores for it (inbound and outbound), when read from the API. */
  readonly storedRules?: number;
  /** Stored rules whose protocol or ports fwc cannot read: drift, removed in their stored form. */
  readonly unreadable?: readonly UnreadableRule[];
}

export interface UnreadableRule {
  readonly direction: 'inbound' | 'outbound';
  /** The rule exactly as the API stores it (what the removal sends). */
  readonly stored: unknown;
  readonly reason: string;
}

export interface LiveDroplet {
  readonly id: number;
  readonly name: string;
  readonly tags: readonly string[];
  readonly addresses: readonly Cidr[];
  readonly vpcId?: string;
}

export interface LiveDatabase {
  readonly id: string;
  readonly name: string;
  readonly engine?: string;
  readonly trustedSources: readonly { readonly uuid?: string; readonly type: string; readonly value: string }[];
}

/** Everything the plan reads of an account. */
export interface Account {
  readonly firewalls: readonly LiveFirewall[];
  /** Existing tag names, as DigitalOcean spells them. */
  readonly tags: readonly string[];
  readonly droplets: readonly LiveDroplet[];
  readonly loadBalancers: readonly { readonly id: string; readonly name: string; readonly ip?: string }[];
  readonly clusters: readonly { readonly id: string; readonly name: string }[];
  readonly databases: readonly LiveDatabase[];
  /** The account's VPCs (absent where nothing was read: `fwc diff`, older saved inputs). */
  readonly vpcs?: readonly LiveVpc[];
}

export interface LiveVpc {
  readonly id: string;
  readonly name: string;
  /** The VPC's range, as the API gives it (`10.10.0.0/16`). */
  readonly ipRange: string;
}

/** What happens to one firewall. */
export type FirewallChange =
  | { readonly action: 'create'; readonly name: string; readonly desired: Firewall }
  | {
      readonly action: 'update';
      readonly id: string;
      readonly name: string;
      readonly desired: Firewall;
      readonly live: LiveFirewall;
      readonly addRules: readonly Rule[];
      readonly removeRules: readonly Rule[];
      readonly unchangedRules: number;
      readonly addTags: readonly string[];
      readonly removeTags: readonly string[];
      readonly addDroplets: readonly number[];
      readonly removeDroplets: readonly number[];
      /** The live firewall's rules fwc cannot read, to remove as stored. */
      readonly removeUnreadable?: readonly UnreadableRule[];
    }
  | { readonly action: 'delete'; readonly id: string; readonly name: string; readonly live: LiveFirewall };

/** A database whose trusted sources are replaced. */
export interface DatabaseChange {
  readonly action: 'replace';
  readonly id: string;
  readonly name: string;
  readonly desired: readonly TrustedSource[];
  /** What the database has now (uuids kept for the PUT). */
  readonly live: LiveDatabase['trustedSources'];
  readonly add: readonly TrustedSource[];
  readonly remove: readonly LiveDatabase['trustedSources'][number][];
  readonly unchanged: number;
}

/**
 * One change of who may reach whom: sources, destinations, and the services gained or lost between each
 * of them. Flows that differ only in source (or only in destination) are grouped into one.
 */
export interface FlowChange {
  /** The sources (`anyone` stands for both its IPv4 and IPv6 representatives). */
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** `tcp 5432; udp 53; icmp`, or `connections` for a database. */
  readonly services: string;
  /** For the Mermaid diagram: the ends that are tags. */
  readonly fromTags: readonly string[];
  readonly toTags: readonly string[];
}

export interface Plan {
  readonly kind: 'plan' | 'diff';
  readonly policies: readonly { readonly name: string; readonly files: readonly string[] }[];
  readonly tagsToCreate: readonly string[];
  readonly firewalls: readonly FirewallChange[];
  readonly databases: readonly DatabaseChange[];
  /** Firewalls left as they are: managed ones that match, and every unmanaged one. */
  readonly unchangedManaged: number;
  readonly unmanaged: readonly string[];
  readonly reachability: { readonly allowed: readonly FlowChange[]; readonly blocked: readonly FlowChange[] };
  /** Catalogued warnings (plan/warnings/), guards first. */
  readonly warnings: readonly Diagnostic[];
  /** The desired firewalls, resolved (what apply makes true). */
  readonly desired: readonly Firewall[];
  /** How peers read by name: `load-balancer:ID` → `load balancer shop-lb` (ids stay in the rules). */
  readonly peerNames?: Readonly<Record<string, string>>;
  /** Every live firewall read, with its fingerprint (apply refuses a plan when one changed). */
  readonly live: readonly { readonly id: string; readonly name: string; readonly fingerprint: string; readonly managed: boolean }[];
  /** The trusted sources the policies want on every database they name (what apply makes true). */
  readonly desiredDatabases: readonly { readonly id: string; readonly name: string; readonly sources: readonly { readonly type: string; readonly value: string }[] }[];
  /** Every database read, with a fingerprint of its trusted sources (apply refuses a plan when one changed). */
  readonly liveDatabases: readonly { readonly id: string; readonly name: string; readonly fingerprint: string }[];
  /** The address blocks the policies name: hosts of the reachability analysis, kept to recompute it. */
  readonly addressBlocks: readonly string[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.tagsToCreate.length > 0 || plan.firewalls.length > 0 || plan.databases.length > 0;
}
