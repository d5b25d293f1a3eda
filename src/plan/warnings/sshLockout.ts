/**
 * FW712: droplets that lose every SSH allow, and with it the Droplet Console (which connects over SSH).
 * Only hosts whose inbound rules change are looked at (a loss through others' egress alone is not).
 */
import { contains, type Host, type Network } from '../../analysis/index.js';
import { SideChanges } from '../sideChanges.js';
import type { GuardContext } from './context.js';

const SSH_PORT = 22;

/** Whether any other host may reach `dst` on tcp `port` (stops at the first that may). */
function reachableOn(net: Network, hosts: readonly Host[], dst: Host, port: number): boolean {
  return hosts.some((src) => src.key !== dst.key && contains(net.allowed(src, dst), 'tcp', port));
}

export function sshLockout(ctx: GuardContext): void {
  const { hosts, oldNet, newNet } = ctx.input;
  const sides = new SideChanges(oldNet, newNet);
  for (const host of hosts) {
    if (host.kind !== 'droplet' || host.tags.length === 0 || !sides.changed(host, 'inbound')) continue;
    if (!reachableOn(oldNet, hosts, host, SSH_PORT) || reachableOn(newNet, hosts, host, SSH_PORT)) continue;
    const count = ctx.classes.find((c) => c.host.key === host.key)?.dropletIds.length;
    ctx.report('sshLockout', {
      message: `droplets tagged ${host.tags.join('+')}${count !== undefined ? ` (${count})` : ''} lose every SSH allow, and with it the Droplet Console; the Recovery Console still works`,
    });
  }
}
