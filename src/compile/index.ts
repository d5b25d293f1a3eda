/**
 * The public face of compile/: `Policy` to DigitalOcean firewalls (`compile`), grants as rules, and the
 * request bodies (the canonical rule form itself is model/'s).
 */
export { compile } from './compile.js';
export { grantEffects, releaseEffects } from './grantRules.js';
export type { TaggedRule } from './grantRules.js';
export { databaseTrustToApi, firewallToApi, rulesToApi } from './toApi.js';
export type { ApiFirewallBody, ApiRuleBody } from './toApi.js';
