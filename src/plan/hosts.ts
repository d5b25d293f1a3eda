/**
 * The hosts reachability is judged on. From an account: one host per class of droplets that firewalls
 * cannot tell apart (the same relevant tags, and their own id where a firewall names them), plus load
 * balancers, clusters, databases, the policies' address blocks and `anyone`. Without an account
 * (`fwc diff`): the representatives of every endpoint of the policies.
 */
import { type Host, OutsideAddresses, Representatives } from '../analysis/index.js';
import { type Cidr, cidrBounds, type Firewall, hostCidr, parseAddress } from '../model/index.js';
import type { Policy } from '../check/index.js';
import type { Account } from './types.js';

/** Tags that some firewall applies to or names in a rule: the only tags that change what flows. */
export function relevantTags(firewalls: readonly Firewall[]): Set<string> {
  const tags = new Set<string>();
  for (const fw of firewalls) {
    for (const t of fw.tags) tags.add(t.toLowerCase());
    for (const r of fw.rules) if (r.peer.kind === 'tag') tags.add(r.peer.name.toLowerCase());
  }
  return tags;
}

/** Droplet ids that some firewall applies to or names in a rule. */
function namedDroplets(firewalls: readonly Firewall[]): Set<number> {
  const ids = new Set<number>();
  for (const fw of firewalls) {
    for (const id of fw.dropletIds) ids.add(id);
    for (const r of fw.rules) if (r.peer.kind === 'droplet') ids.add(r.peer.id);
  }
  return ids;
}

export interface DropletClass {
  readonly host: Host;
  readonly dropletIds: readonly number[];
  /** The class's relevant tags, in DigitalOcean's spelling. */
  readonly tags: readonly string[];
}

/** Groups the account's droplets into classes that every firewall (old or new) treats alike. */
export function dropletClasses(account: Account, firewalls: readonly Firewall[]): DropletClass[] {
  const tags = relevantTags(firewalls);
  // A database's trusted sources may name a tag that no firewall does: it tells droplets apart too.
  for (const db of account.databases) for (const s of db.trustedSources) if (s.type === 'tag') tags.add(s.value.toLowerCase());
  const ids = namedDroplets(firewalls);
  const classes = new Map<string, { tags: string[]; droplets: Account['droplets'][number][]; byId: boolean }>();
  for (const d of account.droplets) {
    const own = [...new Set(d.tags.filter((t) => tags.has(t.toLowerCase())))].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    const byId = ids.has(d.id);
    const key = `${own.map((t) => t.toLowerCase()).join(',')}${byId ? `#${d.id}` : ''}`;
    const c = classes.get(key) ?? { tags: own, droplets: [], byId };
    c.droplets.push(d);
    classes.set(key, c);
  }
  return [...classes.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, c]) => {
      const first = c.droplets[0]!;
      // DOKS nodes carry `k8s:<cluster id>`: name them after their cluster.
      const named = c.tags.map((t) => {
        const cluster = /^k8s:(.+)$/i.exec(t) ? account.clusters.find((k) => `k8s:${k.id}`.toLowerCase() === t.toLowerCase()) : undefined;
        return cluster ? `nodes of cluster ${cluster.name}` : t;
      });
      const label = c.byId ? `droplet ${first.name} (${first.id})` : named.length > 0 ? named.join('+') : 'untagged droplets';
      return {
        host: {
          key: `class:${key}`,
          label,
          kind: 'droplet',
          tags: c.tags,
          addresses: first.addresses,
          // The class's first droplet stands for it; no rule names it unless the class is that droplet.
          dropletId: first.id,
          dropletName: first.name,
        },
        dropletIds: c.droplets.map((d) => d.id),
        tags: c.tags,
      } satisfies DropletClass;
    });
}

/**
 * Address blocks named by policies, and by the rules of the firewalls given (the live ones among them:
 * a firewall that is replaced or deleted takes its addresses' access with it, and the plan must see
 * that), each as one host (its first address), labelled by the block.
 */
function blockHosts(policies: readonly Pick<Policy, 'namedAddresses'>[], firewalls: readonly Firewall[] = []): Host[] {
  const seen = new Map<string, Host>();
  const ruleBlocks = firewalls.flatMap((f) => f.rules.flatMap((r) => (r.peer.kind === 'address' ? [r.peer.cidr] : [])));
  for (const p of [...policies.map((x) => x.namedAddresses), ruleBlocks]) {
    for (const cidr of p) {
      if (cidr.prefix === 0 || seen.has(cidr.text)) continue;
      seen.set(cidr.text, { key: `block:${cidr.text}`, label: cidr.text, kind: 'external', tags: [], addresses: [hostCidr(cidr.network, cidr.family)] });
    }
  }
  return [...seen.values()];
}

function anyoneHosts(policies: readonly Pick<Policy, 'namedAddresses'>[], taken: readonly Cidr[]): Host[] {
  const outside = new OutsideAddresses([...policies.flatMap((p) => p.namedAddresses), ...taken]);
  return [4, 6].map((family) => ({
    key: `anyone:${family}`,
    label: family === 4 ? 'anyone (IPv4)' : 'anyone (IPv6)',
    kind: 'external',
    tags: [],
    addresses: [outside.next(family as 4 | 6)],
  }));
}

/** The account's VPCs that some firewall names by range, each as one host labelled by its name. */
function vpcHosts(account: Account, firewalls: readonly Firewall[]): Host[] {
  const named = new Set<string>();
  for (const fw of firewalls) for (const r of fw.rules) if (r.peer.kind === 'address') named.add(r.peer.cidr.text);
  const hosts: Host[] = [];
  for (const vpc of account.vpcs ?? []) {
    const parsed = parseAddress(vpc.ipRange);
    if (!parsed.ok || !named.has(parsed.cidr.text)) continue;
    // An address of the range that no droplet has: it stands for what else is in the VPC.
    const taken = new Set(account.droplets.flatMap((d) => d.addresses.map((a) => a.text)));
    const { first, last } = cidrBounds(parsed.cidr);
    let probe = first.network + 1n;
    while (probe < last.network && taken.has(hostCidr(probe, 4).text)) probe++;
    hosts.push({ key: `vpc:${vpc.id}`, label: `vpc ${vpc.name} (${vpc.ipRange})`, kind: 'external', tags: [], addresses: [hostCidr(probe, 4)], vpcName: vpc.name });
  }
  return hosts;
}

/** Hosts for a plan: droplet classes, resources and outside addresses. */
export function accountHosts(account: Account, firewalls: readonly Firewall[], policies: readonly Pick<Policy, 'namedAddresses'>[], databases: readonly string[]): Host[] {
  const classes = dropletClasses(account, firewalls);
  const lbs: Host[] = account.loadBalancers.map((lb) => {
    const ip = lb.ip ? parseAddress(lb.ip) : null;
    return {
      key: `lb:${lb.id}`,
      label: `load balancer ${lb.name}`,
      kind: 'load-balancer',
      tags: [],
      addresses: ip?.ok ? [ip.cidr] : [],
      loadBalancerId: lb.id,
      loadBalancerName: lb.name,
    } satisfies Host;
  });
  // Traffic from a cluster leaves from its worker droplets (tagged k8s:<id>), so it has their addresses.
  const clusters: Host[] = account.clusters.map((c) => {
    const nodeTag = `k8s:${c.id}`.toLowerCase();
    return {
      key: `k8s:${c.id}`,
      label: `cluster ${c.name}`,
      kind: 'cluster',
      tags: [],
      addresses: account.droplets.filter((d) => d.tags.some((t) => t.toLowerCase() === nodeTag)).flatMap((d) => d.addresses),
      clusterId: c.id,
      clusterName: c.name,
    } satisfies Host;
  });
  const dbs: Host[] = databases.map((name) => ({ key: `database:${name}`, label: `database ${name}`, kind: 'database', tags: [], addresses: [], databaseName: name }));
  const taken = account.droplets.flatMap((d) => d.addresses);
  const vpcs = vpcHosts(account, firewalls);
  const blocks = blockHosts(policies, firewalls).filter((b) => !vpcs.some((v) => account.vpcs?.some((x) => x.name === v.vpcName && b.label === x.ipRange)));
  return [...classes.map((c) => c.host), ...lbs, ...clusters, ...dbs, ...vpcs, ...blocks, ...anyoneHosts(policies, [...taken, ...ruleBlocksOf(firewalls)])];
}

/** The address blocks firewalls' rules name (but every address): `anyone` is judged outside them all. */
function ruleBlocksOf(firewalls: readonly Firewall[]): Cidr[] {
  return firewalls.flatMap((f) => f.rules.flatMap((r) => (r.peer.kind === 'address' && r.peer.cidr.prefix > 0 ? [r.peer.cidr] : [])));
}

/** Hosts for `fwc diff`: every tag, address block and resource of either version, and `anyone`. */
export function policyHosts(policies: readonly Policy[]): Host[] {
  const reps = new Representatives(policies.flatMap((p) => p.namedAddresses));
  const hosts = new Map<string, Host>();
  const add = (h: Host) => hosts.set(h.key, h);
  for (const p of policies) {
    for (const t of p.tags) {
      const h = reps.tag(t.name);
      add({ ...h, label: t.name });
    }
    for (const s of p.dropletSets) add({ ...reps.set(s.name, s.members), label: `droplet set ${s.name}` });
    for (const g of [...p.grants, ...p.guardrails]) {
      for (const e of [...g.sources, ...g.dests]) {
        if (e.kind === 'load-balancer' || e.kind === 'cluster' || e.kind === 'droplet' || e.kind === 'database' || e.kind === 'tag-ref' || e.kind === 'vpc') {
          for (const h of reps.endpoint(e)) add({ ...h, label: h.label.replaceAll('`', '') });
        }
      }
    }
  }
  for (const h of blockHosts(policies)) add(h);
  for (const h of reps.anyone()) add({ ...h, label: h.addresses[0]!.family === 4 ? 'anyone (IPv4)' : 'anyone (IPv6)' });
  return [...hosts.values()];
}
