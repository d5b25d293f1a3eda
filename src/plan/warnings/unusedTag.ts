/** FW713: policy tags that no droplet of the account carries (a plan of an account only). */
import type { PlanContext } from './context.js';

export function unusedTag(ctx: PlanContext): void {
  if (ctx.input.kind !== 'plan') return;
  const carried = new Set(ctx.input.account.droplets.flatMap((d) => d.tags.map((t) => t.toLowerCase())));
  for (const { policy } of ctx.input.built) {
    for (const t of policy.tags) {
      if (!carried.has(t.name.toLowerCase())) ctx.report('unusedTag', { message: `no droplet carries tag \`${t.name}\` (policy ${policy.name}): its firewall applies to nothing yet` });
    }
  }
}
