/**
 * The plan's warnings: every rule, in the order its findings are shown (graphql-js's `specifiedRules`).
 * The guards come first: they are what `fwc apply` refuses to go past without --allow-lockout, and the
 * only warnings a saved plan recomputes (from the account and its desired state alone).
 */
import { CODES, type Diagnostic, type FindingRule, runRules } from '../../diagnostics/index.js';
import { GuardContext, PlanContext, type GuardInput, type WarningInput } from './context.js';
import { dnsBlocked } from './dnsBlocked.js';
import { expectationUnmanaged } from './expectationUnmanaged.js';
import { newlyClosed } from './newlyClosed.js';
import { noFirewallLeft } from './noFirewall.js';
import { orphanSetFirewall } from './orphanSetFirewall.js';
import { sshLockout } from './sshLockout.js';
import { unmanagedFirewalls } from './unmanagedFirewalls.js';
import { unusedTag } from './unusedTag.js';

export const GUARD_RULES: readonly FindingRule<GuardContext>[] = [noFirewallLeft, sshLockout];

export const PLAN_RULES: readonly FindingRule<PlanContext>[] = [unusedTag, dnsBlocked, orphanSetFirewall, newlyClosed, unmanagedFirewalls, expectationUnmanaged];

/** The catalogue entries plan warnings may have: what a saved plan's `warnings` may name. */
export const PLAN_WARNING_CODES = [
  CODES.noFirewallLeft,
  CODES.sshLockout,
  CODES.unusedTag,
  CODES.dnsBlocked,
  CODES.orphanSetFirewall,
  CODES.newlyClosed,
  CODES.unmanagedAllows,
  CODES.unmanagedDenies,
  CODES.unmanagedMore,
  CODES.expectationUnmanaged,
] as const;

/** Whether `fwc apply` refuses to go past this warning without --allow-lockout. */
export function isGuardWarning(d: Diagnostic): boolean {
  return d.code === CODES.noFirewallLeft || d.code === CODES.sshLockout;
}

export function guardWarnings(input: GuardInput): Diagnostic[] {
  return runRules(new GuardContext(input), GUARD_RULES).diagnostics;
}

export function planWarnings(input: WarningInput): Diagnostic[] {
  return runRules(new PlanContext(input), PLAN_RULES).diagnostics;
}
