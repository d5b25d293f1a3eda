/**
 * The whole address space, cut into the pieces that a set of firewall rules cannot tell apart. A rule
 * names blocks; between two consecutive block edges every address is treated alike, so one address per
 * piece stands for the piece exactly. "Open to the internet" then means open from the representative of
 * every public piece — which is how `0.0.0.0/1` + `128.0.0.0/1` (or any blocks that add up to all) counts
 * as the internet, and how a deny rule on part of it takes that part away.
 *
 * Public means: IPv4 outside the special-purpose blocks below (RFC 6890: private, loopback, link-local,
 * shared, multicast, reserved); IPv6 inside 2000::/3, the global unicast space. The documentation blocks
 * (192.0.2.0/24, …) count as public: examples and tests use them as someone's office.
 */
import type { Host } from '../analysis/index.js';
import { cidrBounds, cidrContains, hostCidr, parseAddress, type Cidr } from '../model/index.js';

const parse = (text: string): Cidr => {
  const r = parseAddress(text);
  if (!r.ok) throw new Error(`bad built-in block ${text}`);
  return r.cidr;
};

const NOT_PUBLIC_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16', '224.0.0.0/4', '240.0.0.0/4'].map(parse);
const PUBLIC_V6 = parse('2000::/3');
const TOP: Record<4 | 6, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

/** Whether an address (single host) is on the public internet. */
export function isPublic(address: Cidr): boolean {
  return address.family === 4 ? !NOT_PUBLIC_V4.some((b) => cidrContains(b, address)) : cidrContains(PUBLIC_V6, address);
}

export interface Piece {
  readonly first: bigint;
  readonly last: bigint;
  /** The piece's representative (its first address), made when first asked for. */
  readonly host: Host;
}

/** Hands out representative hosts, one object per address, so Network's memo is shared across droplets. */
export class AddressSpace {
  private readonly hosts = new Map<string, Host>();
  // Droplet groups under the same firewalls cut the space alike: cut it once per set of blocks.
  private readonly cuts = new Map<string, Piece[]>();

  host(address: Cidr): Host {
    let h = this.hosts.get(address.text);
    if (!h) {
      h = { key: `addr:${address.text}`, label: address.text, kind: 'external', tags: [], addresses: [address] };
      this.hosts.set(address.text, h);
    }
    return h;
  }

  /**
   * The pieces of one family's space that `blocks` cut it into, each with its representative;
   * `publicOnly` keeps the pieces on the public internet.
   */
  pieces(family: 4 | 6, blocks: readonly Cidr[], publicOnly: boolean): Piece[] {
    const mine = blocks.filter((b) => b.family === family);
    const key = `${family}${publicOnly ? 'p' : 'a'}|${[...new Set(mine.map((b) => b.text))].sort().join(',')}`;
    const known = this.cuts.get(key);
    if (known) return known;
    const edges = new Set<bigint>([0n]);
    const cut = (c: Cidr) => {
      const { first, last } = cidrBounds(c);
      edges.add(first.network);
      if (last.network < TOP[family]) edges.add(last.network + 1n);
    };
    for (const b of mine) cut(b);
    if (publicOnly) for (const b of family === 4 ? NOT_PUBLIC_V4 : [PUBLIC_V6]) cut(b);
    const sorted = [...edges].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: Piece[] = [];
    for (let i = 0; i < sorted.length; i++) {
      const first = sorted[i]!;
      const last = i + 1 < sorted.length ? sorted[i + 1]! - 1n : TOP[family];
      const probe: Cidr = { family, network: first, prefix: family === 4 ? 32 : 128, text: '' };
      if (publicOnly && !isPublic(probe)) continue;
      let host: Host | undefined;
      const space = this;
      out.push({
        first,
        last,
        get host() {
          return (host ??= space.host(hostCidr(first, family)));
        },
      });
    }
    this.cuts.set(key, out);
    return out;
  }
}
