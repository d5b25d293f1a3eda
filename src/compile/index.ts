/**
 * The public face of compile/: `Policy` to DigitalOcean firewalls (`compile`), the canonical rule
 * form, and the request bodies.
 */
export { compile, openEgressRules } from './compile.js';
export { grantEffects, releaseEffects } from './grantRules.js';
export type { TaggedRule } from './grantRules.js';
export { ALL_PORTS, canonicalRules, groupRules, peerHolds, peerKey, peerText, portRange, portsFrom, portsText, portsTo, ruleHolds, ruleKey, ruleText } from './rules.js';
export { databaseTrustToApi, firewallToApi, rulesToApi } from './toApi.js';
export type { ApiFirewallBody, ApiRuleBody } from './toApi.js';
export type { CompiledPolicy, DropletSetTarget, Firewall, Origin, Peer, Ports, Protocol, Rule, TrustedSource } from './types.js';
