/**
 * The analyses of a compiled policy, as rules of one signature (diagnostics/rules.ts), in the order
 * their findings are made (they are sorted by place when reported).
 */
import type { FindingRule } from '../../diagnostics/index.js';
import { expectations } from '../expect.js';
import type { LintContext } from './context.js';
import { dnsBlocked } from './dnsBlocked.js';
import { overriddenGrants } from './overriddenGrants.js';
import { shadowedGrants } from './shadowedGrants.js';

/** Every analysis: expectations (errors) and the lints (warnings). */
export const LINT_RULES: readonly FindingRule<LintContext>[] = [expectations, overriddenGrants, shadowedGrants, dnsBlocked];

/** Those that can fail as errors: for a version whose errors alone are reported (the old side of `fwc diff`). */
export const ERROR_RULES: readonly FindingRule<LintContext>[] = [expectations];
