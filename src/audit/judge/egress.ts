/**
 * DNS egress (FW808): droplets whose firewalls let no udp 53 out to any address, droplet or resource.
 * Judged on the effective outbound rules over the whole address space (a resolver may be private), and
 * on rules that name droplets, tags or resources (a resolver droplet).
 */
import { contains } from '../../analysis/index.js';
import { portsHold } from '../../model/index.js';
import { makeFinding, type Finding } from '../finding.js';
import { addressBlocks, type AuditModel } from '../model.js';

/** DNS queries go to udp 53. */
const DNS_PORT = 53;

export function judgeEgress(model: AuditModel): Finding[] {
  const findings: Finding[] = [];
  for (const c of model.classes) {
    if (c.firewalls.length === 0) continue;
    const outbound = c.firewalls.flatMap((f) => f.rules.filter((r) => r.direction === 'outbound'));
    // A udp 53 allow towards a droplet, tag or resource: a resolver inside the account; not judged closed.
    const inside = outbound.some((r) => r.action === 'allow' && r.peer.kind !== 'address' && r.protocol === 'udp' && portsHold(r.ports, DNS_PORT));
    if (inside) continue;
    const blocks = addressBlocks(c.firewalls, 'outbound');
    const open = ([4, 6] as const).some((family) => model.space.pieces(family, blocks, false).some((p) => contains(model.network.allowed(c.host, p.host), 'udp', DNS_PORT)));
    if (open) continue;
    findings.push(
      makeFinding('dnsEgressClosed', c.subject, {
        message: `${model.describe(c)} cannot send DNS queries (udp 53) anywhere: the outbound rules of ${c.firewalls.map((f) => f.name).join(', ')} allow it to no address`,
        resources: [...model.droplets(c), ...model.firewallRefs(c.firewalls)],
        traffic: [{ protocol: 'udp', ports: String(DNS_PORT), from: model.describe(c), to: 'any address' }],
        causes: [],
      }),
    );
  }
  return findings;
}
