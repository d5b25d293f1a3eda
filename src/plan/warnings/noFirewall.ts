/** FW711: droplets that have a firewall today and would be left with none, every port open. */
import type { GuardContext } from './context.js';

/** How many droplets a warning names before it says `…`. */
const NAMED_DROPLETS = 5;

export function noFirewallLeft(ctx: GuardContext): void {
  const { hosts, oldNet, newNet } = ctx.input;
  for (const host of hosts) {
    if (host.kind !== 'droplet' || oldNet.firewallsOf(host).length === 0 || newNet.firewallsOf(host).length > 0) continue;
    const c = ctx.classOf(host);
    if (c) {
      const names = c.dropletIds.slice(0, NAMED_DROPLETS).map((id) => ctx.dropletLabel(id));
      const n = c.dropletIds.length;
      ctx.report('noFirewallLeft', {
        message: `${n} droplet${n === 1 ? '' : 's'} would be left with no firewall, every port open: ${names.join(', ')}${n > NAMED_DROPLETS ? ', …' : ''}`,
      });
    } else {
      ctx.report('noFirewallLeft', { message: `droplets tagged ${host.tags.join('+')} would be left with no firewall, every port open` });
    }
  }
}
