/**
 * FW712: droplets that lose every SSH allow, and with it the Droplet Console (which connects over SSH).
 * Only hosts whose inbound rules change are looked at (a loss through others' egress alone is not).
 */
import { andInto, type Host, isZero, type Network } from '../../analysis/index.js';
import { portRange, portsHold, type Rule } from '../../model/index.js';
import { HostIndex } from '../changedPairs.js';
import { SideChanges } from '../sideChanges.js';
import type { GuardContext } from './context.js';

const SSH_PORT = 22;
const MAX_PORT = 65535;

const admitsPort = (r: Rule, port: number) =>
  r.direction === 'inbound' && r.action === 'allow' && r.protocol === 'tcp' && portsHold(r.ports, port);

/**
 * Whether any other host may reach `dst` on tcp `port`. Only a host that an inbound allow of dst's
 * firewalls names can (every host, when dst has none), so only those are judged, on the port's atom bit.
 */
function reachableOn(net: Network, wanted: Uint32Array, index: HostIndex, hosts: readonly Host[], dst: Host, port: number): boolean {
  const own = net.firewallsOf(dst);
  const rules = own.flatMap((f) => f.rules.filter((r) => admitsPort(r, port)));
  if (own.length > 0 && rules.length === 0) return false;
  const sources = own.length === 0 ? hosts : new Set(rules.flatMap((r) => index.matching(r.peer)));
  const bits = new Uint32Array(net.atoms.words);
  for (const src of sources) {
    if (src.key === dst.key) continue;
    net.allowedBits(src, dst, bits);
    andInto(bits, wanted);
    if (!isZero(bits)) return true;
  }
  return false;
}

/**
 * The bit of the tcp atom that holds `port` (the atoms need not be cut at it): the lowest bit of the
 * atoms from that one to the last.
 */
function atomOf(net: Network, port: number): Uint32Array {
  const from = new Uint32Array(net.atoms.words);
  net.atoms.add(from, 'tcp', portRange(port, MAX_PORT));
  const wanted = new Uint32Array(net.atoms.words);
  const w = from.findIndex((word) => word !== 0);
  if (w >= 0) wanted[w] = from[w]! & -from[w]!;
  return wanted;
}

export function sshLockout(ctx: GuardContext): void {
  const { hosts, oldNet, newNet } = ctx.input;
  const sides = new SideChanges(oldNet, newNet);
  const index = new HostIndex(hosts);
  const before = atomOf(oldNet, SSH_PORT);
  const after = atomOf(newNet, SSH_PORT);
  for (const host of hosts) {
    if (host.kind !== 'droplet' || host.tags.length === 0 || !sides.changed(host, 'inbound')) continue;
    if (!reachableOn(oldNet, before, index, hosts, host, SSH_PORT) || reachableOn(newNet, after, index, hosts, host, SSH_PORT)) continue;
    const count = ctx.classOf(host)?.dropletIds.length;
    ctx.report('sshLockout', {
      message: `droplets tagged ${host.tags.join('+')}${count !== undefined ? ` (${count})` : ''} lose every SSH allow, and with it the Droplet Console; the Recovery Console still works`,
    });
  }
}
