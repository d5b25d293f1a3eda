/** FW502: expectations that hold only because of a firewall fwc does not manage. */
import { judge, Representatives } from '../../analysis/index.js';
import type { PlanContext } from './context.js';

export function expectationUnmanaged(ctx: PlanContext): void {
  // With no firewall fwc does not manage (a diff, a clean account), the two networks are the same.
  if (ctx.input.unmanaged.length === 0) return;
  for (const { policy } of ctx.input.built) {
    const reps = new Representatives(policy.namedAddresses);
    for (const e of policy.expectations) {
      if (judge(e, ctx.input.newNet, reps) !== null || judge(e, ctx.desiredOnly, reps) === null) continue;
      ctx.report('expectationUnmanaged', {
        message: `\`${policy.file.text.slice(e.statement.span.start, e.statement.span.end)}\` (${policy.file.path}:${e.line}) holds only because of a firewall fwc does not manage`,
      });
    }
  }
}
