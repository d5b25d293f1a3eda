/**
 * FW406 with the account: restricted egress that blocks DNS, judged on what the droplets may really send
 * — every firewall on them, those fwc does not manage included (a DOKS cluster's own, another team's
 * egress firewall). It replaces the policy-only lint of the same code in a plan (analysis/lints/).
 */
import { allowsDns, contains, type Host } from '../../analysis/index.js';
import { names } from '../names.js';
import type { PlanContext } from './context.js';

const DNS_PORT = 53;
const lower = (s: string) => s.toLowerCase();

export function dnsBlocked(ctx: PlanContext): void {
  const { hosts, newNet, desired, built } = ctx.input;
  const internet = hosts.find((h) => h.key === 'anyone:4');
  const resolves = (h: Host) => internet !== undefined && contains(newNet.allowed(h, internet), 'udp', DNS_PORT);
  for (const { policy } of built) {
    for (const unit of policy.restrictedEgress) {
      const own = desired.firewalls.filter((f) => f.tags.some((t) => lower(t) === lower(unit)) || f.set?.name === unit);
      const members = new Set(own.flatMap((f) => f.dropletIds));
      const carriers = hosts.filter(
        (h) => h.kind === 'droplet' && (h.tags.some((t) => lower(t) === lower(unit)) || (h.dropletId !== undefined && h.key.includes('#') && members.has(h.dropletId))),
      );
      if (carriers.length === 0 ? allowsDns(own) : carriers.every(resolves)) continue;
      if (carriers.length > 0 && carriers.some(resolves)) {
        const blocked = carriers.filter((h) => !resolves(h)).map((h) => h.label);
        ctx.report('dnsBlocked', { message: `egress from \`${unit}\` is restricted and nothing lets ${names(blocked)} send udp 53 out: they cannot resolve names` });
      } else {
        ctx.report('dnsBlocked', { message: `egress from \`${unit}\` is restricted and no firewall on its droplets (fwc's or another) lets udp 53 out: they cannot resolve names` });
      }
    }
  }
}
