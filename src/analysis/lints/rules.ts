/**
 * The analyses of a compiled policy, as rules of one signature (diagnostics/rules.ts), in the order
 * their findings are made (they are sorted by place when reported).
 */
import type { FindingRule } from '../../diagnostics/index.js';
import { expectations } from '../expect.js';
import type { LintContext, NetworkLintContext } from './context.js';
import { dnsBlocked } from './dnsBlocked.js';
import { overriddenGrants } from './overriddenGrants.js';
import { shadowedGrants } from './shadowedGrants.js';

/** The analyses that judge flows on the network: expectations (errors) and overridden grants. */
export const NETWORK_RULES: readonly FindingRule<NetworkLintContext>[] = [expectations, overriddenGrants];

/** The lints that read the policy and its firewalls alone (run once the network is let go). */
export const POLICY_LINTS: readonly FindingRule<LintContext>[] = [shadowedGrants, dnsBlocked];

/** Every analysis, in the order they run. */
export const LINT_RULES: readonly FindingRule<NetworkLintContext>[] = [...NETWORK_RULES, ...POLICY_LINTS];

/** Those that can fail as errors: for a version whose errors alone are reported (the old side of `fwc diff`). */
export const ERROR_RULES: readonly FindingRule<NetworkLintContext>[] = [expectations];
