// The compiler's central property: for generated policies, the traffic the compiled DigitalOcean
// request bodies allow — evaluated here, independently, packet by packet under DigitalOcean's rules —
// is exactly the traffic the policy grants, read statement by statement. Checked over tag
// representatives (single- and multi-tag droplets, some inside named address blocks), the first, last
// and neighbouring addresses of every block, load balancers, clusters and droplets named in the policy,
// the members of a droplet set, a droplet with a tag the policy only refers to, a VPC, and every port
// boundary; the generated policies use droplet sets, `tag "…"`, `vpc "…"` and every endpoint kind as a
// destination. FWC_PROPERTY_RUNS sets the number of policies (CI: 120).
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Policy, ResolvedEndpoint, ServiceAtom } from '../../src/check/policy.js';
import { buildPolicies, networkOf } from '../../src/pipeline/build.js';
import { firewallToApi, type ApiFirewallBody, type ApiTargetBody } from '../../src/compile/toApi.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { parseAddress } from '../../src/model/addresses.js';
import { contains } from '../../src/analysis/serviceSet.js';
import type { Host } from '../../src/analysis/network.js';
import { generatePolicy } from '../helpers/generatePolicy.js';

const RUNS = Number(process.env.FWC_PROPERTY_RUNS ?? 120);
const AS_OF = '2026-11-24';

interface TestHost {
  readonly name: string;
  readonly kind: 'droplet' | 'external' | 'load-balancer' | 'cluster';
  readonly tags: readonly string[];
  readonly address: string;
  readonly dropletId?: number;
  readonly dropletName?: string;
  readonly lbName?: string;
  readonly clusterName?: string;
  readonly vpcName?: string;
}

type Proto = 'tcp' | 'udp' | 'icmp';

const inBlockCache = new Map<string, boolean>();
function inBlock(address: string, block: string): boolean {
  const key = `${address} ${block}`;
  let hit = inBlockCache.get(key);
  if (hit === undefined) inBlockCache.set(key, (hit = inBlockUncached(address, block)));
  return hit;
}

function inBlockUncached(address: string, block: string): boolean {
  const a = ipaddr.parse(address);
  const [net, prefix] = block.includes('/') ? ipaddr.parseCIDR(block) : [ipaddr.parse(block), a.kind() === 'ipv4' ? 32 : 128];
  return a.kind() === net.kind() && a.match(net, prefix);
}

// --- DigitalOcean, evaluated on the request bodies themselves.

function targetMatches(t: ApiTargetBody, h: TestHost): boolean {
  if (t.addresses?.some((b) => inBlock(h.address, b))) return true;
  if (h.kind === 'droplet' && t.tags?.some((tag) => h.tags.some((x) => x.toLowerCase() === tag.toLowerCase()))) return true;
  if (h.dropletId !== undefined && t.droplet_ids?.includes(h.dropletId)) return true;
  return (t['x-fwc-unresolved'] ?? []).some(
    (ref) =>
      (h.vpcName !== undefined && ref === `vpc:${h.vpcName}`) ||
      (h.dropletName !== undefined && ref === `droplet:${h.dropletName}`) ||
      (h.lbName !== undefined && ref === `load-balancer:${h.lbName}`) ||
      (h.clusterName !== undefined && ref === `cluster:${h.clusterName}`),
  );
}

function portMatches(ports: string | undefined, protocol: Proto, port: number): boolean {
  if (protocol === 'icmp') return true;
  assert.ok(ports !== undefined, 'tcp/udp rules always carry ports');
  const [lo, hi] = ports!.split('-').map(Number);
  return lo! <= port && port <= (hi ?? lo!);
}

function doAllows(bodies: readonly ApiFirewallBody[], src: TestHost, dst: TestHost, protocol: Proto, port: number): boolean {
  // A firewall applies by tag, by droplet id, or (a droplet set's, before plan time) by droplet name.
  const on = (h: TestHost) =>
    h.kind !== 'droplet'
      ? []
      : bodies.filter(
          (b) =>
            b.tags.some((t) => h.tags.some((x) => x.toLowerCase() === t.toLowerCase())) ||
            (h.dropletId !== undefined && (b.droplet_ids ?? []).includes(h.dropletId)) ||
            (h.dropletName !== undefined && (b['x-fwc-unresolved'] ?? []).includes(`droplet:${h.dropletName}`)),
        );
  const side = (fws: ApiFirewallBody[], direction: 'in' | 'out', peer: TestHost) => {
    if (fws.length === 0) return true;
    const rules = fws.flatMap((f) => (direction === 'in' ? f.inbound_rules : f.outbound_rules));
    const hits = rules.filter(
      (r) => r.protocol === protocol && portMatches(r.ports, protocol, port) && targetMatches((direction === 'in' ? r.sources : r.destinations)!, peer),
    );
    return hits.some((r) => r.action !== 'deny') && !hits.some((r) => r.action === 'deny');
  };
  return side(on(dst), 'in', src) && side(on(src), 'out', dst);
}

// --- The policy, read statement by statement.

function endpointMatches(e: ResolvedEndpoint, h: TestHost): boolean {
  switch (e.kind) {
    case 'tag':
      return h.kind === 'droplet' && h.tags.some((t) => t.toLowerCase() === e.tag.toLowerCase());
    case 'address':
      return inBlock(h.address, e.cidr.text);
    case 'anyone':
      return true;
    case 'load-balancer':
      return h.lbName === e.name;
    case 'cluster':
      return h.clusterName === e.name;
    case 'droplet':
      return e.id !== null ? h.dropletId === e.id : h.dropletName === e.name;
    case 'database':
      return false;
    case 'set':
      return h.kind === 'droplet' && e.members.some((m) => (m.id !== null ? h.dropletId === m.id : h.dropletName === m.name));
    case 'tag-ref':
      return h.kind === 'droplet' && h.tags.some((t) => t.toLowerCase() === e.tag.toLowerCase());
    case 'vpc':
      return h.vpcName === e.name;
  }
}

/** The governed unit (tag or droplet set) an endpoint stands for, or null. */
const unitOf = (e: ResolvedEndpoint): string | null => (e.kind === 'tag' ? e.tag : e.kind === 'set' ? e.set : null);

function atomMatches(a: ServiceAtom, protocol: Proto, port: number): boolean {
  return a.protocol === protocol && (a.protocol === 'icmp' || (a.from <= port && port <= a.to));
}

function policyAllows(p: Policy, src: TestHost, dst: TestHost, protocol: Proto, port: number): boolean {
  const declared = (h: TestHost) =>
    h.kind !== 'droplet'
      ? []
      : [
          ...p.tags.map((t) => t.name).filter((t) => h.tags.some((x) => x.toLowerCase() === t.toLowerCase())),
          ...p.dropletSets.filter((s) => s.members.some((m) => (m.id !== null ? h.dropletId === m.id : h.dropletName === m.name))).map((s) => s.name),
        ];
  const grants = p.grants.filter((g) => !g.expired);
  const svc = (g: { services: readonly ServiceAtom[] }) => g.services.some((a) => atomMatches(a, protocol, port));
  const dstTags = declared(dst);
  const srcTags = declared(src);
  const inbound =
    dstTags.length === 0 ||
    grants.some((g) => svc(g) && g.sources.some((s) => endpointMatches(s, src)) && g.dests.some((d) => unitOf(d) !== null && endpointMatches(d, dst)));
  const outbound =
    srcTags.length === 0 ||
    srcTags.some((t) => !p.restrictedEgress.has(t)) ||
    grants.some(
      (g) =>
        svc(g) &&
        g.sources.some((s) => unitOf(s) !== null && srcTags.includes(unitOf(s)!)) &&
        g.dests.some((d) => d.kind !== 'database' && endpointMatches(d, dst)),
    );
  const blocked = p.guardrails
    .filter((g) => !g.expired && svc(g))
    .some((g) =>
      g.dests.some((d) =>
        unitOf(d) !== null
          ? endpointMatches(d, dst) && g.sources.some((s) => endpointMatches(s, src))
          : endpointMatches(d, dst) && g.sources.some((s) => unitOf(s) !== null && endpointMatches(s, src)),
      ),
    );
  return inbound && outbound && !blocked;
}

// --- Representatives and samples.

function neighbours(block: string): string[] {
  const c = parseAddress(block);
  if (!c.ok) return [];
  const bits = c.cidr.family === 4 ? 32n : 128n;
  const size = 1n << (bits - BigInt(c.cidr.prefix));
  const max = (1n << bits) - 1n;
  const out: string[] = [];
  for (const v of [c.cidr.network - 1n, c.cidr.network, c.cidr.network + size - 1n, c.cidr.network + size]) {
    if (v < 0n || v > max) continue;
    const bytes: number[] = [];
    for (let i = Number(bits / 8n) - 1; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
    out.push(ipaddr.fromByteArray(bytes).toString());
  }
  return out;
}

function hostsOf(p: Policy): TestHost[] {
  const tags = p.tags.map((t) => t.name);
  const hosts: TestHost[] = tags.map((t, i) => ({ name: `tag ${t}`, kind: 'droplet', tags: [t], address: i % 4 === 0 ? '10.1.2.3' : `100.64.0.${i + 1}` }));
  for (let i = 0; i + 1 < tags.length && i < 6; i += 2) {
    hosts.push({ name: `tags ${tags[i]}+${tags[i + 1]}`, kind: 'droplet', tags: [tags[i]!, tags[i + 1]!], address: `100.65.0.${i + 1}` });
  }
  hosts.push({ name: 'untagged droplet', kind: 'droplet', tags: [], address: '100.66.0.1' });
  const blocks = new Set(p.namedAddresses.map((c) => c.text));
  for (const b of blocks) for (const a of neighbours(b)) hosts.push({ name: `address ${a}`, kind: 'external', tags: [], address: a });
  hosts.push({ name: 'outside v4', kind: 'external', tags: [], address: '198.18.0.1' }, { name: 'outside v6', kind: 'external', tags: [], address: '2001:db9::1' });
  hosts.push(
    { name: 'lb1', kind: 'load-balancer', tags: [], address: '198.18.1.1', lbName: 'lb1' },
    { name: 'k1', kind: 'cluster', tags: [], address: '198.18.2.1', clusterName: 'k1' },
    { name: 'droplet legacy', kind: 'droplet', tags: [], address: '198.18.3.1', dropletName: 'legacy' },
    { name: 'droplet 4242', kind: 'droplet', tags: [], address: '198.18.4.1', dropletId: 4242 },
    // Droplet set members (by name and by id), a droplet with a tag the policy does not govern, a VPC.
    { name: 'droplet ds-1', kind: 'droplet', tags: [], address: '198.18.5.1', dropletName: 'ds-1' },
    { name: 'droplet 5151', kind: 'droplet', tags: [], address: '198.18.5.2', dropletId: 5151 },
    { name: 'droplet tagged ext', kind: 'droplet', tags: ['ext'], address: '198.18.6.1' },
    { name: 'vpc v1', kind: 'external', tags: [], address: '198.18.7.1', vpcName: 'v1' },
  );
  return hosts;
}

function portsOf(p: Policy): number[] {
  const ports = new Set([1, 65535]);
  for (const g of [...p.grants, ...p.guardrails]) {
    for (const a of g.services) {
      if (a.protocol === 'icmp') continue;
      for (const v of [a.from - 1, a.from, a.to, a.to + 1]) if (v >= 1 && v <= 65535) ports.add(v);
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function toAnalysisHost(h: TestHost): Host {
  return {
    key: h.name,
    label: h.name,
    kind: h.kind,
    tags: h.tags,
    addresses: [(parseAddress(h.address) as { ok: true; cidr: Host['addresses'][number] }).cidr],
    ...(h.dropletId !== undefined ? { dropletId: h.dropletId } : {}),
    ...(h.dropletName !== undefined ? { dropletName: h.dropletName } : {}),
    ...(h.lbName !== undefined ? { loadBalancerName: h.lbName } : {}),
    ...(h.clusterName !== undefined ? { clusterName: h.clusterName } : {}),
    ...(h.vpcName !== undefined ? { vpcName: h.vpcName } : {}),
  };
}

/** Checks one generated policy; returns a description of the first disagreement, or null. */
function disagreement(seed: number, size: number): string | null {
  const text = generatePolicy(seed, { statements: size, tags: 2 + (seed % 5), guardrails: 0.15, restricted: 0.4, resources: true, expiry: true, reach: true });
  const built = buildPolicies([new SourceFile('gen.fw', text)], { asOf: AS_OF });
  const errors = built.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return `generated policy does not check:\n${text}\n${errors.map((e) => e.message).join('\n')}`;
  const { policy, compiled } = built.policies[0]!;
  const bodies = compiled.firewalls.map(firewallToApi);
  const network = networkOf(built.policies);
  const hosts = hostsOf(policy);
  const ports = portsOf(policy);
  for (const src of hosts) {
    for (const dst of hosts) {
      const analysed = network.allowed(toAnalysisHost(src), toAnalysisHost(dst));
      for (const protocol of ['tcp', 'udp', 'icmp'] as const) {
        for (const port of protocol === 'icmp' ? [0] : ports) {
          const want = policyAllows(policy, src, dst, protocol, port);
          const got = doAllows(bodies, src, dst, protocol, port);
          const model = contains(analysed, protocol, port);
          if (want !== got || want !== model) {
            return `${src.name} → ${dst.name} ${protocol} ${port}: policy ${want ? 'allows' : 'denies'}, compiled bodies ${got ? 'allow' : 'deny'}, analysis ${model ? 'allows' : 'denies'}\n--- policy (seed ${seed}, size ${size}):\n${text}--- firewalls:\n${JSON.stringify(bodies, null, 1)}`;
          }
        }
      }
    }
  }
  return null;
}

const Property = suite('compiled firewalls allow exactly what the policy grants');
Property(`${RUNS} generated policies`, () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 14 }), (seed, size) => {
      const problem = disagreement(seed, size);
      if (problem) throw new Error(problem);
    }),
    { numRuns: RUNS, seed: Number(process.env.FWC_PROPERTY_SEED ?? 20261124) },
  );
});
Property('a larger policy with sharding still agrees', () => {
  assert.is(disagreement(7, 120), null);
});
Property.run();
