/**
 * Exposure: admin and data ports opened to every address earn a warning, judged by port (not by service
 * name), so `tcp 2379-2380, 10250` to `anyone` is named as etcd and kubelet. The list is SENSITIVE_PORTS
 * (builtins.ts; documented in docs/language.md). A grant from `0.0.0.0/0` alone says "every IPv4
 * address"; from `anyone` (or both blocks) "every address on the internet".
 *
 *     anyone may reach bastion on ssh    # FW407
 */
import { SENSITIVE_PORTS } from './builtins.js';
import type { PolicyFindings } from './findings.js';
import { isTagSide } from './endpoints.js';
import type { ResolvedEndpoint } from './policy.js';

function everyoneFamily(e: ResolvedEndpoint): 4 | 6 | 'both' | null {
  if (e.kind === 'anyone') return 'both';
  if (e.kind === 'address' && e.cidr.prefix === 0) return e.cidr.family;
  return null;
}

export function checkExposedAdminPorts(ctx: PolicyFindings): void {
  const { grants } = ctx;
  for (const grant of grants) {
    if (grant.effect !== 'allow') continue;
    const everyone = grant.sources.filter((s) => everyoneFamily(s) !== null);
    const first = everyone[0];
    if (!first) continue;
    const families = new Set(everyone.map(everyoneFamily));
    const who = families.has('both') || (families.has(4) && families.has(6)) ? 'every address on the internet' : families.has(4) ? 'every IPv4 address' : 'every IPv6 address';
    if (grant.dests.some((d) => d.kind === 'database')) {
      ctx.report('exposedAdminPort', {
        message: 'a managed database is open to every IPv4 address',
        span: first.span,
        label: 'every IPv4 address',
        help: ['trust the tags of the droplets that use the database, or an office or VPN address set'],
      });
    }
    if (!grant.dests.some(isTagSide)) continue;
    const exposed = SENSITIVE_PORTS.filter((p) =>
      grant.services.some((a) => a.protocol === p.protocol && a.from <= p.to && p.from <= a.to),
    );
    if (exposed.length === 0) continue;
    const list = exposed.map((p) => `${p.name} (${p.protocol} ${p.from === p.to ? p.from : `${p.from}-${p.to}`})`);
    ctx.report('exposedAdminPort', {
      message: `${exposed.length === 1 ? 'an admin or data port is' : 'admin or data ports are'} open to ${who}: ${list.join(', ')}`,
      span: first.span,
      label: who,
      help: [
        'allow an address set (an office, a VPN) or a bastion tag instead',
        'if this is deliberate, say why at the end of the line: `# fwc-ignore FW407: REASON`',
      ],
    });
  }
}
