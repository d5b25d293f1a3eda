/**
 * The public face of check/: AST to a resolved `Policy` (`check`), and the policy's types.
 */
export { BUILTIN_SERVICES, KEYWORDS, MAX_NAME_LENGTH, NAME_PATTERN } from './builtins.js';
export { check } from './check.js';
export { unitOf } from './endpoints.js';
export type { DropletMember, Expectation, Grant, Policy, ResolvedEndpoint, ServiceAtom } from './policy.js';
export { isKubernetesFirewall } from './replaces.js';
