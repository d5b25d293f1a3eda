/**
 * Grants without effect: a grant to a destination the policy does not govern (an address, `anyone`, a
 * load balancer, a cluster, a single droplet, `tag "NAME"`, a VPC) only opens egress, so it does nothing
 * for sources whose egress is open (LANGUAGE.md, Statements).
 *
 *     web may reach anyone on https    # FW401 while egress from web is open
 */
import type { PolicyFindings } from './findings.js';
import { unitOf } from './endpoints.js';

export function checkNoEffect(ctx: PolicyFindings): void {
  const { grants, restricted } = ctx;
  for (const grant of grants) {
    if (grant.effect !== 'allow') continue;
    const tagSources = [...new Set(grant.sources.map(unitOf).filter((u): u is string => u !== null))];
    const open = tagSources.filter((t) => !restricted.has(t));
    if (open.length === 0) continue;
    const reported = new Set<number>();
    for (const d of grant.dests) {
      if (unitOf(d) !== null || d.kind === 'database') continue;
      if (reported.has(d.span.start)) continue;
      reported.add(d.span.start);
      const all = open.length === tagSources.length;
      const names = open.map((t) => `\`${t}\``).join(', ');
      ctx.report('noEffect', {
        message: all
          ? `this grant has no effect: egress from ${names} is open`
          : `this grant has no effect for ${names}, whose egress is open`,
        span: d.span,
        label: 'not governed here: only egress rules could hold it',
        notes: ['with open egress (the default) a droplet may already send anything anywhere'],
        help: [`restrict egress (\`egress from ${open[0]} is restricted\`) if it should be the only traffic allowed out, or remove the grant`],
      });
    }
  }
}
