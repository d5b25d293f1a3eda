/**
 * The pairs of hosts whose flows a change can alter, found from the rules that changed rather than by
 * judging every pair: a flow src → dst can change only where dst's inbound rules or src's outbound rules
 * do, and then only for the peers those changed rules name. A host that goes from no firewall to some
 * (or back) changes for every peer; so does a database whose trusted sources change.
 */
import { peerMatches, type Host, type Network } from '../analysis/index.js';
import { cidrContains, type Firewall, type Peer, type Rule, ruleKey } from '../model/index.js';

type Direction = 'inbound' | 'outbound';

/**
 * The rules of one side that are in one network and not the other; 'all' when every peer may change.
 * Hosts with the same firewalls before and after share the answer (`memo`, by the firewalls' names).
 */
function sideDelta(oldNet: Network, newNet: Network, host: Host, direction: Direction, memo: Map<string, readonly Rule[] | 'all'>, keys: KeyedRules): readonly Rule[] | 'all' {
  const before = oldNet.firewallsOf(host);
  const after = newNet.firewallsOf(host);
  if ((before.length === 0) !== (after.length === 0)) return 'all';
  const key = `${direction}\u0000${before.map((f) => f.name).join('\u0000')}\u0001${after.map((f) => f.name).join('\u0000')}`;
  let delta = memo.get(key);
  if (delta === undefined) memo.set(key, (delta = ruleDelta(before, after, direction, keys)));
  return delta;
}

/**
 * Each firewall's rules of one direction by key, worked out once per search: hosts with different sets
 * of the same firewalls (a large account has a thousand) would otherwise key every rule of every set
 * again.
 */
type KeyedRules = Map<Firewall, Record<Direction, Map<string, Rule>>>;
function keyed(fw: Firewall, direction: Direction, cache: KeyedRules): Map<string, Rule> {
  let both = cache.get(fw);
  if (!both) {
    both = { inbound: new Map(), outbound: new Map() };
    for (const r of fw.rules) both[r.direction].set(ruleKey(r), r);
    cache.set(fw, both);
  }
  return both[direction];
}

function ruleDelta(before: readonly Firewall[], after: readonly Firewall[], direction: Direction, cache: KeyedRules): Rule[] {
  const keys = (fws: readonly Firewall[]) => {
    if (fws.length === 1) return keyed(fws[0]!, direction, cache);
    const m = new Map<string, Rule>();
    for (const fw of fws) for (const [k, r] of keyed(fw, direction, cache)) m.set(k, r);
    return m;
  };
  const was = keys(before);
  const now = keys(after);
  const delta: Rule[] = [];
  for (const [k, r] of was) if (!now.has(k)) delta.push(r);
  for (const [k, r] of now) if (!was.has(k)) delta.push(r);
  return delta;
}

/** Hosts by what rules name, to find the hosts a peer applies to without asking every host. */
export class HostIndex {
  private readonly byTag = new Map<string, Host[]>();
  private readonly byBlock = new Map<string, Host[]>();
  private readonly byPeer = new Map<string, Host[]>();

  constructor(private readonly hosts: readonly Host[]) {
    for (const h of hosts) {
      if (h.kind !== 'droplet') continue;
      for (const t of new Set(h.tags.map((x) => x.toLowerCase()))) {
        const list = this.byTag.get(t);
        if (list) list.push(h);
        else this.byTag.set(t, [h]);
      }
    }
  }

  matching(peer: Peer): readonly Host[] {
    if (peer.kind === 'tag') return this.byTag.get(peer.name.toLowerCase()) ?? [];
    if (peer.kind === 'address') {
      let list = this.byBlock.get(peer.cidr.text);
      if (!list) this.byBlock.set(peer.cidr.text, (list = this.hosts.filter((h) => h.addresses.some((a) => cidrContains(peer.cidr, a)))));
      return list;
    }
    const key = JSON.stringify(peer);
    let list = this.byPeer.get(key);
    if (!list) this.byPeer.set(key, (list = this.hosts.filter((h) => peerMatches(peer, h))));
    return list;
  }
}

/**
 * Calls `visit(src, dst)` once for every pair whose flows may differ between the networks, among the
 * pairs `wanted` accepts.
 */
export function forChangedPairs(oldNet: Network, newNet: Network, hosts: readonly Host[], wanted: (src: Host, dst: Host) => boolean, visit: (src: Host, dst: Host) => void): void {
  const index = new HostIndex(hosts);
  const byDst = new Map<Host, Set<Host>>();
  const add = (src: Host, dst: Host) => {
    if (!wanted(src, dst)) return;
    let set = byDst.get(dst);
    if (!set) byDst.set(dst, (set = new Set()));
    set.add(src);
  };
  const peers = new WeakMap<readonly Rule[], readonly Host[]>();
  const peersOf = (delta: readonly Rule[] | 'all'): readonly Host[] => {
    if (delta === 'all') return hosts;
    let list = peers.get(delta);
    if (!list) {
      const found = new Set<Host>();
      for (const r of delta) for (const h of index.matching(r.peer)) found.add(h);
      peers.set(delta, (list = [...found]));
    }
    return list;
  };
  const memo = new Map<string, readonly Rule[] | 'all'>();
  const keys: KeyedRules = new Map();
  for (const h of hosts) {
    // Databases: their trusted sources may change; they are few, so every source is judged.
    const inbound = h.kind === 'database' ? 'all' : sideDelta(oldNet, newNet, h, 'inbound', memo, keys);
    if (inbound === 'all' || inbound.length > 0) for (const src of peersOf(inbound)) add(src, h);
    if (h.kind === 'database') continue;
    const outbound = sideDelta(oldNet, newNet, h, 'outbound', memo, keys);
    if (outbound === 'all' || outbound.length > 0) for (const dst of peersOf(outbound)) add(h, dst);
  }
  // Destinations in the hosts' order, and sources in it for each: what is reported comes out the same
  // way every time, as when every pair was judged.
  const order = new Map(hosts.map((h, i) => [h, i]));
  for (const dst of hosts) {
    const srcs = byDst.get(dst);
    if (!srcs) continue;
    for (const src of [...srcs].sort((a, b) => order.get(a)! - order.get(b)!)) visit(src, dst);
  }
}
