/**
 * Exposure: admin and database services (ssh, rdp, mysql, postgres, redis, mongodb, kubernetes-api)
 * opened to `anyone`, or to a block as wide as all addresses, earn a warning.
 *
 *     anyone may reach bastion on ssh    # FW407
 */
import { BUILTIN_SERVICES, SENSITIVE_SERVICES } from './builtins.js';
import type { CheckContext } from './context.js';
import type { Grant, ResolvedEndpoint } from './policy.js';

function isEveryone(e: ResolvedEndpoint): boolean {
  return e.kind === 'anyone' || (e.kind === 'address' && e.cidr.prefix === 0);
}

export function checkExposedAdminPorts(ctx: CheckContext, grants: readonly Grant[]): void {
  for (const grant of grants) {
    if (grant.effect !== 'allow') continue;
    const everyone = grant.sources.find(isEveryone);
    if (!everyone) continue;
    if (grant.dests.some((d) => d.kind === 'database')) {
      ctx.report('exposedAdminPort', {
        message: 'a managed database is open to anyone',
        span: everyone.span,
        label: 'every IPv4 address',
        help: ['trust the tags of the droplets that use the database, or an office or VPN address set'],
      });
    }
    if (!grant.dests.some((d) => d.kind === 'tag')) continue;
    const exposed = SENSITIVE_SERVICES.filter((name) =>
      BUILTIN_SERVICES.get(name)!.items.some((item) =>
        grant.services.some((a) => a.protocol === item.protocol && a.from <= item.port && item.port <= a.to),
      ),
    );
    if (exposed.length === 0) continue;
    const list = exposed.map((s) => `${s} (${BUILTIN_SERVICES.get(s)!.items.map((i) => `${i.protocol} ${i.port}`).join(', ')})`);
    ctx.report('exposedAdminPort', {
      message: `${exposed.length === 1 ? 'an admin or database port is' : 'admin or database ports are'} open to anyone: ${list.join(', ')}`,
      span: everyone.span,
      label: 'every address on the internet',
      help: ['allow an address set (an office, a VPN) or a bastion tag instead'],
    });
  }
}
