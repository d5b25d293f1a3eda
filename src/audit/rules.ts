/**
 * The audit's rules: one entry per kind of finding, with a stable id (FW8xx, next to the diagnostics'
 * FW1xx–FW7xx, so that `fwc explain` knows both), a default level, the short and full descriptions and
 * the help that SARIF carries for code scanning, and the text of `fwc explain`. Findings refer to a rule
 * by its key (`RULES.sensitivePortExposed`), never by a literal id.
 */

export type Level = 'error' | 'warning' | 'note';

/** Levels from the most to the least severe, for `--fail-on` and `--min-level`. */
export const LEVELS: readonly Level[] = ['error', 'warning', 'note'];

export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export interface AuditRule {
  readonly id: string;
  /** Kebab-case name; `fwc explain` and suppression files accept it as well as the id. */
  readonly name: string;
  readonly level: Level;
  /** One line: what is found. */
  readonly short: string;
  /** What the rule judges and why it matters. */
  readonly full: string;
  /** How to fix it. */
  readonly help: string;
  /** What the account needs for the rule to run. */
  readonly needs: 'account' | 'policy';
}

function rule(id: string, name: string, level: Level, short: string, full: string, help: string, needs: 'account' | 'policy' = 'account'): AuditRule {
  return { id, name, level, short, full: full.trim().replace(/\s*\n\s*/g, ' '), help: help.trim().replace(/\s*\n\s*/g, ' '), needs };
}

export const RULES = {
  noFirewall: rule('FW801', 'no-firewall', 'error', 'a droplet has no firewall at all', `
    DigitalOcean applies no filtering to a droplet that no Cloud Firewall names, by tag or by id: it is
    reachable on every port and protocol from the whole internet and from every other droplet of the
    private network, and may send anything anywhere.`, `
    Tag the droplet with a tag that a firewall applies to (or add the droplet to a firewall), and give
    that firewall only the inbound rules the droplet's services need.`),

  sensitivePortExposed: rule('FW802', 'sensitive-port-exposed', 'error', 'a sensitive port is open to the whole internet', `
    A remote administration, cluster control, database, cache or search port (see the list in
    src/audit/sensitivePorts.ts) is reachable from every internet address, judged on the effective rules:
    the union of the allow rules of every firewall on the droplets, minus every deny rule, over port
    ranges and split address blocks (0.0.0.0/1 with 128.0.0.0/1 is the internet too). IPv4 and IPv6 are
    judged apart. Ports that an all-ports opening already covers are reported by FW803 instead.`, `
    Allow the port only from the addresses that need it (an office or VPN block, a bastion's tag), or put
    a deny rule in front of it.`),

  allPortsExposed: rule('FW803', 'all-ports-exposed', 'error', 'every port of a protocol is open to the whole internet', `
    Every tcp or udp port (or both) of the droplets is reachable from every internet address, by the
    effective rules of their firewalls: whatever listens on them, now or later, faces the internet.`, `
    Replace the all-ports rule with rules for the ports the droplets serve.`),

  wideRangeExposed: rule('FW804', 'wide-range-exposed', 'warning', 'a wide port range is open to the whole internet', `
    A range of more ports than the threshold (--wide-range, 100 by default) is reachable from every
    internet address. Wide ranges are rarely meant: they open services nobody reviewed.`, `
    Narrow the range to the ports the droplets serve.`),

  databaseOpen: rule('FW805', 'database-open', 'error', 'a managed database has no trusted sources', `
    A managed database cluster without trusted sources accepts connections from any address that has
    its credentials: the whole internet can try them.`, `
    Add trusted sources: the tags of the droplets that use it, its Kubernetes cluster, or an address block.`),

  databaseTrustsInternet: rule('FW806', 'database-trusts-internet', 'error', 'a managed database trusts the whole internet', `
    A managed database's trusted sources cover every IPv4 address (0.0.0.0/0, or blocks that add up to
    it), which is the same as having none.`, `
    Replace the wide block with the tags, droplets, cluster or addresses that use the database.`),

  nodePortsExposed: rule('FW807', 'node-ports-exposed', 'warning', 'Kubernetes node ports are open to the whole internet', `
    Ports of Kubernetes' NodePort range (30000-32767) are reachable from every internet address on a
    cluster's nodes: every Service of type NodePort in the cluster faces the internet, whether or not
    it was meant to. DigitalOcean's own worker firewall opens the range by default.`, `
    Expose services through a load balancer, and allow the node ports only from the load balancer or
    the addresses that need them.`),

  dnsEgressClosed: rule('FW808', 'dns-egress-closed', 'warning', 'droplets cannot send DNS queries', `
    The outbound rules of the firewalls on the droplets allow udp 53 to no address at all, so name
    resolution fails (package updates, certificates, monitoring and most clients break, often in ways
    that are hard to trace). DigitalOcean's resolvers are on the internet (67.207.67.2 and 67.207.67.3).`, `
    Allow udp 53 (and tcp 53) outbound to your resolvers, or to 0.0.0.0/0 and ::/0.`),

  firewallAppliesToNothing: rule('FW809', 'firewall-applies-to-nothing', 'warning', 'a firewall applies to no droplet', `
    The firewall names no droplet that exists and no tag that an existing droplet carries. It protects
    nothing; it may be a leftover, or it may be meant for droplets that lost their tag.`, `
    Delete the firewall, or add the tag to the droplets it was meant for.`),

  unknownTagInRule: rule('FW810', 'unknown-tag-in-rule', 'note', 'a rule names a tag no droplet carries', `
    A rule's source or destination is a tag that no existing droplet carries: the rule matches nothing
    today, and will match any droplet that is given the tag tomorrow.`, `
    Remove the tag from the rule, or check that the tag's name is the one your droplets carry.`),

  missingResource: rule('FW811', 'missing-resource', 'warning', 'a firewall names a droplet, load balancer or cluster that no longer exists', `
    A firewall applies to, or has a rule naming, a droplet id, load balancer or Kubernetes cluster that
    the account no longer has. The entry matches nothing; a new resource never reuses the id, so it is
    dead weight that hides what the firewall really does.`, `
    Remove the entry from the firewall.`),

  unreadableRule: rule('FW812', 'unreadable-rule', 'warning', 'a firewall holds a rule fwc cannot read', `
    A rule of the firewall uses a spelling fwc does not understand (ports, addresses); it is left out of
    every judgement above, so what it allows is not audited.`, `
    Rewrite the rule in the DigitalOcean console or API, and report the spelling to fwc.`),

  policyDrift: rule('FW820', 'policy-drift', 'error', 'a managed firewall differs from what the policy compiles to', `
    With --policy: a firewall (or database trust list) that the policy owns is missing, differs from the
    compiled policy, or is left over from a policy statement that was removed. What the account does is
    not what was reviewed.`, `
    Run \`fwc plan\` to see the changes and \`fwc apply\` to make the account match the policy.`, 'policy'),

  expiredGrantLive: rule('FW821', 'expired-grant-live', 'error', 'a grant past its `until` date is still open', `
    With --policy: a \`may\` statement whose \`until\` date has passed still lets its traffic through in
    the account, because the policy was not applied since it expired (and no other grant allows it).`, `
    Run \`fwc apply\` to remove it, or extend the \`until\` date if it is still needed.`, 'policy'),

  guardrailBroken: rule('FW822', 'guardrail-broken', 'error', 'a `must not` flow is open in the account', `
    With --policy: the account lets through traffic that a \`must not\` statement forbids, because a
    firewall opens it (usually one fwc does not manage) and no deny rule takes it away.`, `
    Remove the rule that opens it from the firewall named, or apply the policy so that its deny rules
    take effect.`, 'policy'),
} as const satisfies Record<string, AuditRule>;

export type RuleKey = keyof typeof RULES;

/** Every rule, by id. */
export const ALL_RULES: readonly AuditRule[] = Object.values(RULES).sort((a, b) => (a.id < b.id ? -1 : 1));

/** Finds a rule by id (`FW802`, `fw802`, `802`) or name (`sensitive-port-exposed`). */
export function lookupRule(query: string): AuditRule | undefined {
  const q = query.trim().toLowerCase();
  return ALL_RULES.find((r) => r.id.toLowerCase() === q || r.name === q || r.id.slice(2) === q);
}
