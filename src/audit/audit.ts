/**
 * The audit: every judge over the account model (and the policy, when given), findings sorted, the
 * suppression file applied, and the report every output format renders.
 */
import type { ReadAccount } from '../digitalocean/index.js';
import type { BuiltPolicy } from '../pipeline/index.js';
import type { ResolvedDesired } from '../plan/index.js';
import { sortFindings, type Finding } from './finding.js';
import { judgeDatabases } from './judge/databases.js';
import { judgeEgress } from './judge/egress.js';
import { judgeExposure } from './judge/exposure.js';
import { judgeHygiene } from './judge/hygiene.js';
import { judgePolicy, managedNames } from './judge/policy.js';
import { AuditModel } from './model.js';
import { levelRank, type Level } from './rules.js';
import { applySuppressions, type Suppression } from './suppressions.js';

export interface AuditInput {
  readonly account: ReadAccount;
  readonly policy?: { readonly built: readonly BuiltPolicy[]; readonly desired: ResolvedDesired };
  /** FW804's threshold: ranges of more ports than this. */
  readonly wideRange: number;
  readonly suppressions?: { readonly path: string; readonly entries: readonly Suppression[] };
  /** YYYY-MM-DD: the day acceptances' `until` dates are judged on. */
  readonly asOf: string;
}

export interface AuditReport {
  /** Every finding, accepted ones included (marked), most severe first. */
  readonly findings: readonly Finding[];
  readonly unusedSuppressions: readonly Suppression[];
  readonly account: { readonly droplets: number; readonly firewalls: number; readonly databases: number; readonly classes: number };
  readonly withPolicy: boolean;
}

export function audit(input: AuditInput): AuditReport {
  const model = new AuditModel(input.account, input.policy?.desired.firewalls ?? []);
  if (input.policy) model.managed = managedNames(model, input.policy.built);
  const found = [
    ...judgeExposure(model, { wideRange: input.wideRange }),
    ...judgeDatabases(model),
    ...judgeEgress(model),
    ...judgeHygiene(model),
    ...(input.policy ? judgePolicy(model, input.policy.built, input.policy.desired) : []),
  ];
  const applied = input.suppressions
    ? applySuppressions(sortFindings(found), input.suppressions.entries, input.suppressions.path, input.asOf)
    : { findings: sortFindings(found), unused: [] };
  return {
    findings: applied.findings,
    unusedSuppressions: applied.unused,
    account: { droplets: input.account.droplets.length, firewalls: input.account.firewalls.length, databases: input.account.databases.length, classes: model.classes.length },
    withPolicy: input.policy !== undefined,
  };
}

/** The findings at or above `level` (all of them without a level). */
export function atLeast(findings: readonly Finding[], level: Level): Finding[] {
  return findings.filter((f) => levelRank(f.level) <= levelRank(level));
}

/** Counts of the findings that are not accepted, by level, and of the accepted ones. */
export function summarize(findings: readonly Finding[]): { error: number; warning: number; note: number; accepted: number } {
  const out = { error: 0, warning: 0, note: 0, accepted: 0 };
  for (const f of findings) {
    if (f.accepted) out.accepted++;
    else out[f.level]++;
  }
  return out;
}
