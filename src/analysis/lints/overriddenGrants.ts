/**
 * Grants a guardrail overrides: some service of the grant, between some source and destination, is
 * denied in full by a `must not` statement (deny rules beat every allow, in every firewall).
 *
 *     app may reach mail on smtp
 *     app must not reach anyone on smtp      # FW402 on the first line
 */
import type { NetworkLintContext } from './context.js';
import { servicesOf } from '../expect.js';
import { covers, describe, isEmpty, sample } from '../serviceSet.js';

export function overriddenGrants(ctx: NetworkLintContext): void {
  const { policy, network, reps } = ctx;
  if (!network.hasDenyRules()) return;
  for (const grant of policy.grants) {
    if (grant.expired || grant.services.length === 0) continue;
    const items = grant.services.map((atom) => servicesOf([atom]));
    let found: { item: string; src: string; dst: string; lines: number[] } | null = null;
    search: for (const s of grant.sources) {
      for (const src of reps.endpoint(s)) {
        for (const d of grant.dests) {
          if (d.kind === 'database') continue;
          for (const dst of reps.endpoint(d)) {
            const out = network.denied(src, dst);
            if (isEmpty(out)) continue;
            for (const item of items) {
              if (!covers(out, item)) continue;
              const flow = sample(item)!;
              const why = network.explain(src, dst, flow.protocol, flow.port);
              const lines = [...(why.inbound?.deniedBy ?? []), ...(why.outbound?.deniedBy ?? [])]
                .flatMap((r) => r.rule.origins.filter((o) => o.file === policy.file.path).map((o) => o.line));
              found = { item: describe(item), src: src.label, dst: dst.label, lines: [...new Set(lines)].sort((a, b) => a - b) };
              break search;
            }
          }
        }
      }
    }
    if (!found) continue;
    ctx.report('overridden', {
      message: `a guardrail overrides this grant: ${found.src} cannot reach ${found.dst} on ${found.item}`,
      file: policy.file,
      span: grant.statement.span,
      label: 'denied by a `must not` statement',
      notes: found.lines.length > 0 ? [`denied by the statement${found.lines.length > 1 ? 's' : ''} on line ${found.lines.join(', ')}`] : [],
      help: ['remove the grant, or narrow the guardrail if this traffic should flow'],
    });
  }
}
