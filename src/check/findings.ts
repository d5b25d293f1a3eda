/**
 * The checks that only find problems, once every name is resolved and only when there is no error: as
 * rules of one signature (diagnostics/rules.ts) over the resolved grants; check.ts lists them. The checker's other steps
 * (declarations, groups, endpoints, services, …) build the Policy and run in an order that matters.
 */
import type { CodeName, DiagnosticInit, FindingContext } from '../diagnostics/index.js';
import type { CheckContext } from './context.js';
import type { Grant } from './policy.js';

export class PolicyFindings implements FindingContext {
  constructor(
    private readonly check: CheckContext,
    /** Every grant of the file (`may`), resolved. */
    readonly grants: readonly Grant[],
    /** The tags and droplet sets whose egress is restricted. */
    readonly restricted: ReadonlySet<string>,
  ) {}

  report(name: CodeName, init: Omit<DiagnosticInit, 'file'>): void {
    this.check.report(name, init);
  }
}
