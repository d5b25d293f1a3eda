/**
 * What the internet can reach, droplet class by droplet class, on the effective rules (every firewall
 * on the droplets together, deny rules taken away): no firewall at all (FW801), sensitive ports (FW802),
 * every port (FW803), wide ranges (FW804) and Kubernetes node ports on cluster nodes (FW807). IPv4 and
 * IPv6 are judged apart, and a finding lists only the families that are open.
 */
import { FULL, intersect, type Interval, isEmpty, type ServiceSet, single, subtract } from '../../analysis/index.js';
import { makeFinding, type Cause, type Finding, type ResourceRef, type Traffic } from '../finding.js';
import type { Piece } from '../internet.js';
import { addressBlocks, uniqueCauses, type AuditClass, type AuditModel } from '../model.js';
import { NODE_PORTS, SENSITIVE_PORTS, describePort } from '../sensitivePorts.js';

const FAMILIES = [4, 6] as const;
const FROM: Record<4 | 6, string> = { 4: 'internet (IPv4)', 6: 'internet (IPv6)' };

export interface ExposureOptions {
  /** FW804: ranges of more ports than this, open to the internet, are reported. */
  readonly wideRange: number;
}

interface Open {
  readonly set: ServiceSet;
  readonly pieces: readonly Piece[];
}

/** What every public address of one family may send to the class. */
export function internetOpen(model: AuditModel, c: AuditClass, family: 4 | 6): Open {
  const pieces = model.space.pieces(family, addressBlocks(c.firewalls, 'inbound'), true);
  let set: ServiceSet = FULL;
  for (const piece of pieces) {
    set = intersect(set, model.network.allowed(piece.host, c.host));
    if (isEmpty(set)) break;
  }
  return { set, pieces };
}

export function intervalsText(ivs: readonly Interval[]): string {
  return ivs.map((iv) => (iv.from === 1 && iv.to === 65535 ? 'all' : iv.from === iv.to ? String(iv.from) : `${iv.from}-${iv.to}`)).join(', ');
}

const allOf = (ivs: readonly Interval[]) => ivs.length === 1 && ivs[0]!.from === 1 && ivs[0]!.to === 65535;

function causesOf(model: AuditModel, c: AuditClass, open: Open, protocol: 'tcp' | 'udp', port: number): Cause[] {
  const out: Cause[] = [];
  for (const piece of open.pieces) {
    const e = model.network.explain(piece.host, c.host, protocol, port);
    for (const at of e.inbound?.allowedBy ?? []) out.push(model.cause(at.firewall, at.rule));
  }
  return out;
}

export function judgeExposure(model: AuditModel, options: ExposureOptions): Finding[] {
  const findings: Finding[] = [];
  for (const c of model.classes) {
    if (c.firewalls.length === 0) {
      findings.push(noFirewall(model, c));
      continue;
    }
    const exposed: Exposed = {
      model,
      c,
      who: model.describe(c),
      open: { 4: internetOpen(model, c, 4), 6: internetOpen(model, c, 6) },
      resources: [...model.droplets(c), ...model.firewallRefs(c.firewalls)],
    };
    findings.push(...allPortsExposed(exposed), ...sensitivePortsExposed(exposed));
    if (c.clusterIds.length > 0) findings.push(...nodePortsExposed(exposed));
    findings.push(...wideRangesExposed(exposed, options.wideRange));
  }
  return findings;
}

/** One class with firewalls, and what the internet may send it: what the FW802–FW807 steps share. */
interface Exposed {
  readonly model: AuditModel;
  readonly c: AuditClass;
  /** `droplets tagged web`, for messages. */
  readonly who: string;
  readonly open: Record<4 | 6, Open>;
  /** The droplets and their firewalls. */
  readonly resources: readonly ResourceRef[];
}

/** The Kubernetes node port range, in tcp and in udp. */
const NODE_PORTS_BOTH: ServiceSet = (() => {
  const tcp = single('tcp', NODE_PORTS.from, NODE_PORTS.to);
  return { ...tcp, udp: tcp.tcp };
})();

/** FW801: no firewall at all, so every port of every protocol is open, to the internet and the private network. */
function noFirewall(model: AuditModel, c: AuditClass): Finding {
  const droplets = model.droplets(c);
  return makeFinding('noFirewall', c.subject, {
    message: `${model.describe(c)} ${droplets.length === 1 ? 'has' : 'have'} no firewall: every port and protocol is open to the whole internet and the private network`,
    resources: droplets,
    traffic: [
      { protocol: 'any', ports: 'all', from: FROM[4], family: 4 },
      { protocol: 'any', ports: 'all', from: FROM[6], family: 6 },
      { protocol: 'any', ports: 'all', from: 'private network' },
    ],
    causes: [],
  });
}

/** FW803: a protocol open on every port, per family. */
function allPortsExposed({ model, c, who, open, resources }: Exposed): Finding[] {
  const findings: Finding[] = [];
  for (const protocol of ['tcp', 'udp'] as const) {
    const families = FAMILIES.filter((f) => allOf(open[f].set[protocol]));
    if (families.length === 0) continue;
    findings.push(
      makeFinding('allPortsExposed', c.subject, {
        detail: protocol,
        message: `every ${protocol} port of ${who} is open to the ${families.map((f) => FROM[f]).join(' and the ')}`,
        resources,
        traffic: families.map((f) => ({ protocol, ports: 'all', from: FROM[f], family: f })),
        causes: uniqueCauses(families.flatMap((f) => causesOf(model, c, open[f], protocol, 1))),
      }),
    );
  }
  return findings;
}

/** FW802: sensitive ports, where FW803 does not already say it. */
function sensitivePortsExposed({ model, c, who, open, resources }: Exposed): Finding[] {
  const findings: Finding[] = [];
  for (const s of SENSITIVE_PORTS) {
    const want = single(s.protocol, s.from, s.to);
    const traffic: Traffic[] = [];
    const causes: Cause[] = [];
    for (const f of FAMILIES) {
      if (allOf(open[f].set[s.protocol])) continue;
      const hit = intersect(open[f].set, want)[s.protocol];
      if (hit.length === 0) continue;
      traffic.push({ protocol: s.protocol, ports: intervalsText(hit), from: FROM[f], family: f });
      causes.push(...causesOf(model, c, open[f], s.protocol, hit[0]!.from));
    }
    if (traffic.length === 0) continue;
    findings.push(
      makeFinding('sensitivePortExposed', c.subject, {
        detail: s.name,
        message: `${describePort(s)} on ${who} is open to the ${traffic.map((t) => t.from).join(' and the ')}: ${s.why}`,
        resources,
        traffic,
        causes: uniqueCauses(causes),
      }),
    );
  }
  return findings;
}

/**
 * The ports of each family and protocol that `pick` takes from what is open, where the protocol is not
 * open on every port (FW803 says that), with the rules that open the first of them.
 */
function openPorts(x: Exposed, pick: (open: ServiceSet, protocol: 'tcp' | 'udp') => readonly Interval[]): { traffic: Traffic[]; causes: Cause[] } {
  const traffic: Traffic[] = [];
  const causes: Cause[] = [];
  for (const f of FAMILIES) {
    for (const protocol of ['tcp', 'udp'] as const) {
      if (allOf(x.open[f].set[protocol])) continue;
      const hit = pick(x.open[f].set, protocol);
      if (hit.length === 0) continue;
      traffic.push({ protocol, ports: intervalsText(hit), from: FROM[f], family: f });
      causes.push(...causesOf(x.model, x.c, x.open[f], protocol, hit[0]!.from));
    }
  }
  return { traffic, causes };
}

/** FW807: node ports on cluster nodes. */
function nodePortsExposed(x: Exposed): Finding[] {
  const { traffic, causes } = openPorts(x, (open, protocol) => intersect(open, NODE_PORTS_BOTH)[protocol]);
  if (traffic.length === 0) return [];
  const clusters = x.model.account.clusters.filter((k) => x.c.clusterIds.includes(k.id));
  return [
    makeFinding('nodePortsExposed', x.c.subject, {
      message: `Kubernetes node ports of ${x.who} are open to the ${[...new Set(traffic.map((t) => t.from))].join(' and the ')}`,
      resources: [...clusters.map((k) => ({ kind: 'cluster' as const, name: k.name, id: k.id })), ...x.resources],
      traffic,
      causes: uniqueCauses(causes),
    }),
  ];
}

/** FW804: ranges of more than `wideRange` ports, beside the all-ports case and the node ports of cluster nodes. */
function wideRangesExposed(x: Exposed, wideRange: number): Finding[] {
  const onCluster = x.c.clusterIds.length > 0;
  const { traffic, causes } = openPorts(x, (open, protocol) => (onCluster ? subtract(open, NODE_PORTS_BOTH) : open)[protocol].filter((iv) => iv.to - iv.from + 1 > wideRange));
  if (traffic.length === 0) return [];
  return [
    makeFinding('wideRangeExposed', x.c.subject, {
      message: `${traffic.map((t) => `${t.protocol} ${t.ports}`).filter((y, i, a) => a.indexOf(y) === i).join('; ')} of ${x.who} ${traffic.length === 1 ? 'is' : 'are'} open to the internet (more than ${wideRange} ports in a range)`,
      resources: x.resources,
      traffic,
      causes: uniqueCauses(causes),
    }),
  ];
}
