/**
 * DigitalOcean's limits on a firewall, in one place (NOTE: DO-API-FACTS.md 3, from the product's limits
 * page). The emulator keeps its own copy on purpose: it imports nothing of fwc's but the API contract.
 */

/** Hex digits of a fingerprint (of a firewall or a database's sources) in a saved plan: 128 bits of SHA-256. */
export const FINGERPRINT_LENGTH = 32;

/** Rules per firewall, inbound and outbound together. */
export const MAX_RULES_PER_FIREWALL = 50;
/** Entries in one rule's sources or destinations. */
export const MAX_ENTRIES_PER_RULE = 1000;
/** Tags one firewall applies to. */
export const MAX_TAGS_PER_FIREWALL = 5;
/** Droplets one firewall applies to by id. */
export const MAX_DROPLETS_PER_FIREWALL = 10;
/** Trusted sources of one managed database (DO-API-FACTS.md 3). */
export const MAX_DATABASE_SOURCES = 100;
