/**
 * The proof that an import is exact, made before anything is written: the policy is built and resolved
 * against the account like `fwc plan` does, and the reachability engine compares, for every droplet (each
 * on its own, not by class) with every other host — droplets, load balancers, clusters, and one address
 * for every piece of the address space that the rules of either state cut it into, IPv4 and IPv6 — the
 * services allowed today with those allowed once the policy's firewalls stand in place of the replaced
 * ones. Equal bits everywhere, or the differences, each with the rules that make it.
 */
import { describe, difference, type Host, isZero, Network, sameBits, sample } from '../analysis/index.js';
import { AddressSpace } from '../audit/index.js';
import { type Cidr, type Firewall, parseAddress, ruleText } from '../model/index.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { buildPolicies } from '../pipeline/index.js';
import { type Account, databaseAccess, forChangedPairs, type LiveFirewall, resolveDesired } from '../plan/index.js';
import { SourceFile } from '../source/index.js';

export interface Difference {
  readonly from: string;
  readonly to: string;
  /** `gained` when the policy would allow more than today, `lost` when less. */
  readonly kind: 'gained' | 'lost';
  readonly services: string;
  /** The rules that decide a sample flow of it: today's (firewall and rule) and the policy's (line). */
  readonly today: readonly string[];
  readonly policy: readonly string[];
  /** Lines of the policy whose rules decide it. */
  readonly lines: readonly number[];
}

export interface Proof {
  /** Errors building or resolving the policy (an internal error: the import wrote something wrong). */
  readonly diagnostics: readonly Diagnostic[];
  readonly differences: readonly Difference[];
  /** How many host pairs were compared. */
  readonly pairs: number;
  /** Warnings of the built policy (with their lines), for acknowledgement. */
  readonly warnings: readonly Diagnostic[];
}

const asFirewall = (f: LiveFirewall): Firewall => ({ ...f.firewall, name: f.name, tags: f.tags, dropletIds: f.dropletIds });

/** The hosts of an exact comparison: every droplet alone, the resources, and every address piece. */
export function exactHosts(account: Account, firewalls: readonly Firewall[]): Host[] {
  const droplets: Host[] = account.droplets.map((d) => ({ key: `droplet:${d.id}`, label: `droplet ${d.name} (${d.id})`, kind: 'droplet', tags: d.tags, addresses: d.addresses, dropletId: d.id, dropletName: d.name }));
  const lbs: Host[] = account.loadBalancers.map((lb) => {
    const ip = lb.ip ? parseAddress(lb.ip) : null;
    return { key: `lb:${lb.id}`, label: `load balancer ${lb.name}`, kind: 'load-balancer', tags: [], addresses: ip?.ok ? [ip.cidr] : [], loadBalancerId: lb.id, loadBalancerName: lb.name };
  });
  const clusters: Host[] = account.clusters.map((c) => ({
    key: `k8s:${c.id}`,
    label: `cluster ${c.name}`,
    kind: 'cluster',
    tags: [],
    addresses: account.droplets.filter((d) => d.tags.some((t) => t.toLowerCase() === `k8s:${c.id}`.toLowerCase())).flatMap((d) => d.addresses),
    clusterId: c.id,
    clusterName: c.name,
  }));
  const blocks: Cidr[] = firewalls.flatMap((f) => f.rules.flatMap((r) => (r.peer.kind === 'address' ? [r.peer.cidr] : [])));
  const space = new AddressSpace();
  const pieces = ([4, 6] as const).flatMap((family) => space.pieces(family, blocks, false).map((p) => p.host));
  return [...droplets, ...lbs, ...clusters, ...pieces];
}

/** Builds the policy text and compares its reachability in place of `replaced` with the account's. */
/**
 * How pairs are walked: only those a differing rule touches (the default), or every one — the plain
 * walk, kept as the reference the default is tested against (test/import/units.test.ts).
 */
export type PairWalk = 'changed' | 'every';

function everyPair(_old: Network, _new: Network, hosts: readonly Host[], wanted: (src: Host, dst: Host) => boolean, visit: (src: Host, dst: Host) => void): void {
  for (const src of hosts) for (const dst of hosts) if (wanted(src, dst)) visit(src, dst);
}

export function proveExact(text: string, account: Account, replaced: readonly LiveFirewall[], asOf: string, walk: PairWalk = 'changed'): Proof {
  const built = buildPolicies([new SourceFile('import.fw', text)], { asOf });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  const warnings = built.diagnostics.filter((d) => d.severity === 'warning');
  if (errors.length > 0 || built.policies.length === 0) return { diagnostics: errors, differences: [], pairs: 0, warnings };
  const resolved = resolveDesired(built.policies, account);
  const resolveErrors = resolved.diagnostics.filter((d) => d.severity === 'error');
  if (resolveErrors.length > 0) return { diagnostics: resolveErrors, differences: [], pairs: 0, warnings };

  const gone = new Set(replaced.map((f) => f.id));
  const oldFirewalls = account.firewalls.map(asFirewall);
  const newFirewalls = [...resolved.value.firewalls, ...account.firewalls.filter((f) => !gone.has(f.id)).map(asFirewall)];
  const access = databaseAccess(account, resolved.value);
  const atoms = Network.atomsOf(oldFirewalls, newFirewalls);
  const oldNet = new Network(oldFirewalls, access.before, atoms);
  const newNet = new Network(newFirewalls, access.after, atoms);
  const hosts = exactHosts(account, [...oldFirewalls, ...newFirewalls]);
  const before = new Uint32Array(atoms.words);
  const after = new Uint32Array(atoms.words);
  const found: { src: number; dst: number; difference: Difference }[] = [];
  const where = (firewall: string, origins: readonly { line: number }[]) =>
    origins.length > 0 ? `line ${origins.map((o) => o.line).join(', ')} (${firewall})` : `firewall ${firewall}`;
  const position = new Map(hosts.map((h, i) => [h, i]));
  const compared = (src: Host, dst: Host) => src !== dst && (src.kind === 'droplet' || dst.kind === 'droplet');
  // Every pair is proven, but only those touched by a rule that differs between the account and the
  // policy (on the destination's inbound side or the source's outbound side) can differ, and are judged
  // one by one (plan/changedPairs.ts); a side with the same rules allows the same, whatever firewalls
  // hold them.
  (walk === 'every' ? everyPair : forChangedPairs)(oldNet, newNet, hosts, compared, (src, dst) => {
    oldNet.allowedBits(src, dst, before);
    newNet.allowedBits(src, dst, after);
    if (sameBits(before, after)) return;
    for (const [kind, bits] of [['gained', difference(after, before)], ['lost', difference(before, after)]] as const) {
      if (isZero(bits)) continue;
      const set = atoms.toServiceSet(bits);
      const flow = sample(set)!;
      const why = (net: Network) => {
        const e = net.explain(src, dst, flow.protocol, flow.port);
        return [...(e.outbound ? [...e.outbound.allowedBy, ...e.outbound.deniedBy].map((r) => `${where(r.firewall, r.rule.origins)}: ${r.rule.action} ${ruleText(r.rule)}`) : []),
          ...(e.inbound ? [...e.inbound.allowedBy, ...e.inbound.deniedBy].map((r) => `${where(r.firewall, r.rule.origins)}: ${r.rule.action} ${ruleText(r.rule)}`) : [])];
      };
      const e = newNet.explain(src, dst, flow.protocol, flow.port);
      const lines = [...(e.outbound ? [...e.outbound.allowedBy, ...e.outbound.deniedBy] : []), ...(e.inbound ? [...e.inbound.allowedBy, ...e.inbound.deniedBy] : [])].flatMap((r) => r.rule.origins.map((o) => o.line));
      found.push({ src: position.get(src)!, dst: position.get(dst)!, difference: { from: src.label, to: dst.label, kind, services: describe(set), today: why(oldNet), policy: why(newNet), lines: [...new Set(lines)] } });
    }
  });
  // In the order of a walk over every source, then every destination (a stable sort keeps gained before lost).
  const differences = found.sort((x, y) => x.src - y.src || x.dst - y.dst).map((f) => f.difference);
  // The pairs proven: every ordered pair of two hosts of which one at least is a droplet.
  const n = hosts.length;
  const others = hosts.filter((h) => h.kind !== 'droplet').length;
  const pairs = n * (n - 1) - others * (others - 1);
  return { diagnostics: [], differences, pairs, warnings };
}
