/**
 * Representatives: the hosts a policy's endpoints are judged on when no account is at hand
 * (LANGUAGE.md, `expect`): a tag stands for a droplet carrying that tag alone; an address block for its
 * first and last address; `anyone` for addresses outside every address the policy names; load
 * balancers, clusters and droplets named in quotes for a host of that kind.
 */
import { cidrBounds, cidrContains, hostCidr, type Cidr } from '../model/index.js';
import type { DropletMember, ResolvedEndpoint } from '../check/index.js';
import type { Host } from './network.js';

// Candidates tried first are the documentation blocks (RFC 5737, RFC 3849), so messages show addresses
// nobody owns; then a deterministic scatter over the whole space.
function* candidates(family: 4 | 6): Generator<bigint> {
  if (family === 4) {
    for (const base of [0xc0000200n, 0xc6336400n, 0xcb007100n]) for (let i = 200n; i < 250n; i++) yield base + i;
    for (let i = 1n; i < 1_000_000n; i++) yield (i * 2654435761n) % (1n << 32n);
  } else {
    const docs = 0x20010db8ffff0000n << 64n;
    for (let i = 1n; i < 200n; i++) yield docs + i;
    for (let i = 1n; i < 1_000_000n; i++) yield (0x3fffn << 112n) + i * 0x9e3779b97f4a7c15n;
  }
}

/** Hands out single addresses outside every block a policy names (blocks of prefix 0 excepted). */
export class OutsideAddresses {
  private readonly blocks: readonly Cidr[];
  private readonly used = new Set<string>();
  private readonly iterators = { 4: candidates(4), 6: candidates(6) };

  constructor(named: readonly Cidr[]) {
    this.blocks = named.filter((c) => c.prefix > 0);
  }

  next(family: 4 | 6): Cidr {
    const bits = family === 4 ? 32 : 128;
    for (let r = this.iterators[family].next(); !r.done; r = this.iterators[family].next()) {
      // Test the integer first; spell out only the address that is chosen.
      const probe: Cidr = { family, network: r.value, prefix: bits, text: '' };
      const key = `${family}/${r.value}`;
      if (this.used.has(key) || this.blocks.some((b) => cidrContains(b, probe))) continue;
      this.used.add(key);
      return hostCidr(r.value, family);
    }
    // The policy names every address there is: any address will do, none can be outside.
    return hostCidr(family === 4 ? 0xc00002fen : (0x20010db8n << 96n) + 0xfen, family);
  }
}

/** Builds (and remembers) the representative hosts of a policy's endpoints. */
export class Representatives {
  private readonly outside: OutsideAddresses;
  private readonly cache = new Map<string, Host>();
  private anyoneHosts: Host[] | null = null;

  constructor(namedAddresses: readonly Cidr[]) {
    this.outside = new OutsideAddresses(namedAddresses);
  }

  private remember(host: Omit<Host, 'addresses'> & { addresses?: readonly Cidr[] }, families: (4 | 6)[] = [4]): Host {
    const found = this.cache.get(host.key);
    if (found) return found;
    const made: Host = { ...host, addresses: host.addresses ?? families.map((f) => this.outside.next(f)) };
    this.cache.set(host.key, made);
    return made;
  }

  /** A droplet carrying `tag` alone. */
  tag(tag: string): Host {
    return this.remember({ key: `tag:${tag.toLowerCase()}`, label: `a droplet tagged \`${tag}\``, kind: 'droplet', tags: [tag] });
  }

  /** A droplet set stands for its first droplet (every member gets the same firewall). */
  set(name: string, members: readonly DropletMember[]): Host {
    const first = members[0];
    return this.remember({
      key: `set:${name}`,
      label: `a droplet of set \`${name}\``,
      kind: 'droplet',
      tags: [],
      ...(first?.id != null ? { dropletId: first.id } : {}),
      ...(first?.name != null ? { dropletName: first.name } : {}),
    });
  }

  /** One IPv4 and one IPv6 address outside everything the policy names. */
  anyone(): Host[] {
    this.anyoneHosts ??= [4, 6].map((family) => {
      const cidr = this.outside.next(family as 4 | 6);
      return { key: `anyone:${family}`, label: `\`anyone\` (${cidr.text})`, kind: 'external', tags: [], addresses: [cidr] } satisfies Host;
    });
    return this.anyoneHosts;
  }

  /** The first and last address of a block (one host for a single address). */
  block(cidr: Cidr, via?: string): Host[] {
    const { first, last } = cidrBounds(cidr);
    return [...new Map([first, last].map((a) => [a.text, a])).values()].map((a) =>
      this.remember({
        key: `addr:${a.text}`,
        label: via ? `\`${via}\` (${a.text})` : `\`${a.text}\``,
        kind: 'external',
        tags: [],
        addresses: [a],
      }),
    );
  }

  /** The hosts an endpoint stands for. */
  endpoint(e: ResolvedEndpoint): Host[] {
    switch (e.kind) {
      case 'tag':
        return [this.tag(e.tag)];
      case 'address':
        return this.block(e.cidr, e.via);
      case 'anyone':
        return this.anyone();
      case 'load-balancer':
        return [this.remember({ key: `lb:${e.name}`, label: `load balancer \`${e.name}\``, kind: 'load-balancer', tags: [], loadBalancerName: e.name })];
      case 'cluster':
        return [this.remember({ key: `cluster:${e.name}`, label: `cluster \`${e.name}\``, kind: 'cluster', tags: [], clusterName: e.name })];
      case 'droplet':
        return [
          this.remember({
            key: `droplet:${e.id ?? e.name}`,
            label: `droplet \`${e.id ?? e.name}\``,
            kind: 'droplet',
            tags: [],
            ...(e.id !== null ? { dropletId: e.id } : {}),
            ...(e.name !== null ? { dropletName: e.name } : {}),
          }),
        ];
      case 'database':
        return [this.remember({ key: `database:${e.name}`, label: `database \`${e.name}\``, kind: 'database', tags: [], databaseName: e.name })];
      case 'set':
        return [this.set(e.set, e.members)];
      case 'tag-ref':
        return [this.tag(e.tag)];
      case 'vpc':
        return [this.remember({ key: `vpc:${e.name}`, label: `vpc \`${e.name}\``, kind: 'external', tags: [], vpcName: e.name })];
    }
  }
}
