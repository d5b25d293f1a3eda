/**
 * FW714: tag-less firewalls named like a policy's droplet-set firewalls that no declared set claims (a
 * set that was removed, or renamed): fwc cannot tell them from another policy's, so it leaves them.
 */
import { isBridgeName, policyPrefix } from '../../model/index.js';
import type { PlanContext } from './context.js';

export function orphanSetFirewall(ctx: PlanContext): void {
  if (ctx.input.kind !== 'plan') return;
  for (const { policy } of ctx.input.built) {
    for (const u of ctx.input.unmanaged) {
      if (u.tags.length > 0 || !u.name.startsWith(policyPrefix(policy.name)) || isBridgeName(policy.name, u.name)) continue;
      ctx.report('orphanSetFirewall', {
        message: `firewall ${u.name} has no tag and is named like a droplet set of policy ${policy.name}, which declares none by that name: fwc leaves it; delete it in DigitalOcean if it was a set you removed`,
      });
    }
  }
}
