/**
 * The public face of model/: the vocabulary every phase shares (addresses and CIDR blocks, rule
 * keys, firewall names, DigitalOcean's limits). Imports only source/.
 */
export { ANY_IPV4, ANY_IPV6, canonicalAddress, cidrBounds, cidrContains, compareCidr, hostCidr, networkOf, parseAddress } from './addresses.js';
export type { Cidr } from './addresses.js';
export { MAX_DROPLETS_PER_FIREWALL, MAX_ENTRIES_PER_RULE, MAX_RULES_PER_FIREWALL, MAX_TAGS_PER_FIREWALL } from './limits.js';
