/**
 * DNS under restricted egress: a tag whose egress is restricted and that no rule lets send udp 53 to
 * any address cannot resolve names (nor install packages, nor report metrics).
 *
 *     egress from db is restricted     # FW406 unless something grants db udp 53
 */
import { type Firewall, portsHold } from '../../model/index.js';

const DNS_PORT = 53;
import type { LintContext } from './context.js';

/** Whether one of `firewalls` lets udp 53 out to some address (what a unit's own firewalls must do). */
export function allowsDns(firewalls: readonly Firewall[]): boolean {
  return firewalls.some((fw) =>
    fw.rules.some(
      (r) =>
        r.direction === 'outbound' &&
        r.action === 'allow' &&
        r.protocol === 'udp' &&
        r.peer.kind === 'address' &&
        portsHold(r.ports, DNS_PORT),
    ),
  );
}

export function dnsBlocked(ctx: LintContext): void {
  const { policy, firewalls } = ctx;
  for (const tag of [...policy.tags, ...policy.dropletSets]) {
    if (!policy.restrictedEgress.has(tag.name)) continue;
    const own = firewalls.filter((fw) => fw.set?.name === tag.name || fw.tags.some((t) => t.toLowerCase() === tag.name.toLowerCase()));
    if (allowsDns(own)) continue;
    ctx.report('dnsBlocked', {
      message: `restricted egress blocks DNS for \`${tag.name}\`: nothing allows udp 53 out`,
      file: policy.file,
      span: policy.egressSpans.get(tag.name) ?? tag.span,
      label: 'egress restricted here',
      notes: [
        'droplets that cannot resolve names also cannot install packages or report metrics',
        '`fwc plan` judges this again on the account: a firewall fwc does not manage may let DNS out',
      ],
      help: [`grant it, for example \`${tag.name} may reach anyone on dns\``],
    });
  }
}
