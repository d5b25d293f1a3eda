/**
 * FW715: droplets that had no firewall and that the policy now governs go from fully open to closed to
 * all it does not grant: say so, with how to name a tag without governing it.
 */
import { names } from '../names.js';
import type { PlanContext } from './context.js';

/** The droplets (`name (id)`) that go from no firewall to the policy's, by the unit that governs them. */
function closingByUnit(ctx: PlanContext): Map<string, string[]> {
  const { hosts, oldNet, newNet, desired } = ctx.input;
  const closing = new Map<string, string[]>();
  for (const host of hosts) {
    if (host.kind !== 'droplet' || oldNet.firewallsOf(host).length > 0) continue;
    const mine = newNet.firewallsOf(host).filter((f) => desired.firewalls.includes(f));
    if (mine.length === 0) continue;
    const c = ctx.classOf(host);
    const ids = c?.dropletIds ?? (host.dropletId !== undefined ? [host.dropletId] : []);
    for (const fw of mine) {
      const unit = fw.set ? `droplet set \`${fw.set.name}\`` : `tag \`${fw.tags[0]}\``;
      const list = closing.get(unit) ?? [];
      for (const id of ids) {
        const label = ctx.dropletLabel(id);
        if (!list.includes(label)) list.push(label);
      }
      closing.set(unit, list);
    }
  }
  return closing;
}

export function newlyClosed(ctx: PlanContext): void {
  if (ctx.input.kind !== 'plan') return;
  for (const [unit, droplets] of closingByUnit(ctx)) {
    const tag = /^tag `(.*)`$/.exec(unit)?.[1];
    const n = droplets.length;
    ctx.report('newlyClosed', {
      message:
        `${n} droplet${n === 1 ? '' : 's'} of ${unit} had no firewall and go${n === 1 ? 'es' : ''} from fully open to closed to all the policy does not grant: ${names(droplets)}` +
        (tag ? `; to refer to the tag without governing it, write \`tag "${tag}"\` instead of declaring it in \`tags\`` : ''),
    });
  }
}
