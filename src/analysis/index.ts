/**
 * The public face of analysis/: who may reach whom (`Network`), service sets, expect and the lints.
 */
export { judge } from './expect.js';
export { allowsDns } from './lints/dnsBlocked.js';
export { LintContext, NetworkLintContext } from './lints/context.js';
export { ERROR_RULES, LINT_RULES, NETWORK_RULES, POLICY_LINTS } from './lints/rules.js';
export { Network, peerMatches } from './network.js';
export type { DatabaseAccess, Host } from './network.js';
export { andInto, difference, isZero, sameBits, within } from './portAtoms.js';
export { OutsideAddresses, Representatives } from './representatives.js';
export { EMPTY, FULL, contains, covers, describe, equals, fromParts, intersect, isEmpty, sample, single, subtract, union } from './serviceSet.js';
export type { Interval, ServiceSet } from './serviceSet.js';
