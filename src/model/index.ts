/**
 * The public face of model/: the vocabulary every phase shares — addresses and CIDR blocks, firewalls
 * and rules in canonical form (keys, order, text, grouping), the open-egress rules, the names of the
 * firewalls fwc manages, and DigitalOcean's limits. Imports only source/.
 */
export { ANY_IPV4, ANY_IPV6, canonicalAddress, cidrBounds, cidrContains, hostCidr, networkOf, parseAddress } from './addresses.js';
export type { Cidr } from './addresses.js';
export type { CompiledPolicy, DatabaseTrust, DropletSetTarget, Firewall, GroupedRule, Origin, Peer, Ports, Protocol, Rule, TrustedSource } from './firewall.js';
export { MANAGED_PREFIX, bridgeName, firewallName, isBridgeName, ownsFirewall, ownsSetFirewall, policyPrefix } from './firewallNames.js';
export { FINGERPRINT_LENGTH, MAX_DATABASE_SOURCES, MAX_DROPLETS_PER_FIREWALL, MAX_RULES_PER_FIREWALL, MAX_TAGS_PER_FIREWALL } from './limits.js';
export { ALL_PORTS, canonicalRules, groupRules, openEgressRules, peerHolds, peerKey, peerText, portRange, portsFrom, portsHold, portsText, portsTo, ruleHolds, ruleKey, ruleText, sharing } from './rules.js';
export type { Sharing } from './rules.js';
