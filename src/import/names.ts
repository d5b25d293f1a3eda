/**
 * Names for what an import writes: droplet sets after their droplets (`legacy` for legacy-1, legacy-2),
 * resources by their names (`load-balancer "shop-lb"`), address lists and port sets used more than once
 * as declarations named after where they are used, and built-in service names where they fit exactly.
 */
import { BUILTIN_SERVICES } from '../check/index.js';
import { canonicalAddress, firewallName } from '../model/index.js';
import type { Account } from '../plan/index.js';
import type { DraftSet, End, Service } from './translate.js';

const lower = (s: string) => s.toLowerCase();

/**
 * The longest name an import makes: below the 255 characters DigitalOcean allows a tag name
 * (DO-API-FACTS.md), with room for the `fwc-<policy>-` and `-N` a firewall name adds around it.
 */
const MAX_NAME_LENGTH = 200;
/** A set is named for its droplets' common stem only if it is this long: `w` of w1, w2 says nothing. */
const MIN_STEM_LENGTH = 2;

/** A name as fwc reads it: letters, digits, `-`, `_`, `:`, starting with a letter or digit. */
export function asName(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_:-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '');
  return cleaned === '' ? 'imported' : cleaned.slice(0, MAX_NAME_LENGTH);
}

/** Hands out names no other declaration has, nor one whose firewall name would be the same. */
export class NameBook {
  private readonly taken = new Set<string>();
  private readonly slugs = new Set<string>();

  constructor(private readonly policy: string) {}

  reserve(name: string): void {
    this.taken.add(name);
    this.slugs.add(lower(firewallName(this.policy, name)));
  }

  fresh(wanted: string): string {
    const base = asName(wanted);
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}-${n}`;
      if (this.taken.has(name) || this.slugs.has(lower(firewallName(this.policy, name)))) continue;
      this.reserve(name);
      return name;
    }
  }
}

/** What a droplet set is called: the common stem of its droplets' names, else its firewall's name. */
export function setStem(set: DraftSet, account: Account): string {
  const names = set.ids.map((id) => account.droplets.find((d) => d.id === id)?.name).filter((n): n is string => n !== undefined);
  if (names.length === set.ids.length && names.length > 0) {
    let prefix = names[0]!;
    for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
    const stem = prefix.replace(/[-_.]*[0-9]*$/, '').replace(/[-_.]+$/, '');
    if (stem.length >= MIN_STEM_LENGTH) return stem;
  }
  return set.firewalls[0]!.replace(/[-_]?(fw|firewall)$/i, '') || set.firewalls[0]!;
}

/** How a set member is written: by name where one droplet has it, else by id. */
export function dropletRef(id: number, account: Account): string {
  const d = account.droplets.find((x) => x.id === id);
  if (d && account.droplets.filter((x) => x.name === d.name).length === 1) return JSON.stringify(d.name);
  return String(id);
}

/** The text of an endpoint (names quoted; `fwc fmt` removes the quotes that are not needed). */
export function endText(e: End, account: Account, setNames: ReadonlyMap<string, string>): string | { inexact: string } {
  switch (e.kind) {
    case 'unit-tag':
      return JSON.stringify(e.tag);
    case 'unit-set':
      return JSON.stringify(setNames.get(e.set)!);
    case 'tag-ref':
      return `tag ${JSON.stringify(e.tag)}`;
    case 'anyone':
      return 'anyone';
    case 'address': {
      const vpcs = (account.vpcs ?? []).filter((v) => canonicalAddress(v.ipRange) === e.cidr.text);
      const byName = vpcs.length === 1 ? (account.vpcs ?? []).filter((v) => v.name === vpcs[0]!.name) : [];
      return byName.length === 1 ? `vpc ${JSON.stringify(vpcs[0]!.name)}` : e.cidr.text;
    }
    case 'droplet': {
      const d = account.droplets.find((x) => x.id === e.id);
      if (!d) return { inexact: `droplet ${e.id}, which is not in the account` };
      return `droplet ${dropletRef(e.id, account)}`;
    }
    case 'load-balancer': {
      const lb = account.loadBalancers.find((x) => x.id === e.id);
      if (!lb) return { inexact: `load balancer ${e.id}, which is not in the account` };
      if (account.loadBalancers.filter((x) => x.name === lb.name).length > 1) return { inexact: `load balancer ${lb.name} (${e.id}), whose name another load balancer has too` };
      return `load-balancer ${JSON.stringify(lb.name)}`;
    }
    case 'cluster': {
      const c = account.clusters.find((x) => x.id === e.id);
      if (!c) return { inexact: `Kubernetes cluster ${e.id}, which is not in the account` };
      if (account.clusters.filter((x) => x.name === c.name).length > 1) return { inexact: `cluster ${c.name} (${e.id}), whose name another cluster has too` };
      return `cluster ${JSON.stringify(c.name)}`;
    }
  }
}

/**
 * A list of services in the fewest words: `all`, built-in names where all their ports are there, then
 * tcp ports bare, then `udp …`, then `icmp`.
 */
export function serviceItems(services: readonly Service[]): string[] {
  const key = (p: string, from: number, to: number) => `${p}:${from}-${to}`;
  const left = new Map(services.filter((s) => s.protocol !== 'icmp').map((s) => [key(s.protocol, (s as { from: number }).from, (s as { to: number }).to), s]));
  const icmp = services.some((s) => s.protocol === 'icmp');
  if (icmp && left.has(key('tcp', 1, 65535)) && left.has(key('udp', 1, 65535)) && left.size === 2) return ['all'];
  const items: string[] = [];
  for (const [name, { items: parts }] of BUILTIN_SERVICES) {
    const keys = parts.map((p) => key(p.protocol, p.port, p.port));
    if (keys.every((k) => left.has(k))) {
      items.push(name);
      for (const k of keys) left.delete(k);
    }
  }
  const rest = [...left.values()] as { protocol: 'tcp' | 'udp'; from: number; to: number }[];
  const port = (s: { from: number; to: number }) => (s.from === s.to ? String(s.from) : `${s.from}-${s.to}`);
  const tcp = rest.filter((s) => s.protocol === 'tcp').sort((a, b) => a.from - b.from);
  const udp = rest.filter((s) => s.protocol === 'udp').sort((a, b) => a.from - b.from);
  const whole = (s: { from: number; to: number }) => s.from === 1 && s.to === 65535;
  // A bare port after a service name is tcp (a name sets no protocol): write tcp ports bare.
  tcp.forEach((s) => items.push(whole(s) ? 'tcp' : port(s)));
  udp.forEach((s, i) => items.push(whole(s) ? 'udp' : i === 0 || whole(udp[i - 1]!) ? `udp ${port(s)}` : port(s)));
  if (icmp) items.push('icmp');
  // `tcp` alone must not be followed by a bare port meant as tcp: it is not (tcp all covers them).
  return items;
}
