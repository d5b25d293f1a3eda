/**
 * Generates pairs of policies — an old version and a change of it — whose rules overlap: ports narrowed,
 * widened, split and merged; a point taken out of a range; sources added, dropped and swapped for a
 * containing or contained block; guardrails moved; database grants added and removed; egress restricted
 * or opened. These are the changes where a removal can take out what the new version keeps (issue 9).
 * The same seed always gives the same pair.
 */
import { rng } from './generatePolicy.js';

/** The account the pairs are written for (tags, droplets, a load balancer, a database). */
export const CHANGE_SEED = {
  droplets: [
    { id: 201, name: 'web-1', tags: ['web'], public_ipv4: '203.0.113.11', private_ipv4: '10.10.0.11', public_ipv6: '2001:db8::11' },
    { id: 202, name: 'web-2', tags: ['web', 'app'], private_ipv4: '10.10.0.12' },
    { id: 203, name: 'app-1', tags: ['app'], private_ipv4: '10.10.0.21' },
    { id: 204, name: 'db-1', tags: ['db'], private_ipv4: '10.10.0.31' },
    { id: 205, name: 'search-1', tags: ['search'], private_ipv4: '10.10.0.41' },
    { id: 206, name: 'loose-1', tags: [], private_ipv4: '10.10.0.51' },
  ],
  load_balancers: [{ id: '4de7ac8b-495b-4884-9a69-1050c6793cd6', name: 'lb', ip: '203.0.113.50' }],
  databases: [{ name: 'main-db', engine: 'pg', trusted_sources: [{ type: 'ip_addr', value: '198.51.100.7' }] }],
};

export const CHANGE_DATABASES = ['main-db'];

const TAGS = ['web', 'app', 'db', 'search'];
/** Governed units: the tags, and a droplet set attached by id (its members change too). */
const UNITS = [...TAGS, 'legacy'];
const SOURCES = ['anyone', 'office', 'vpn', 'wide', 'narrow', 'load-balancer "lb"', 'tag "search"', ...UNITS];

type Port = { proto: 'tcp' | 'udp'; from: number; to: number } | { proto: 'icmp' } | { proto: 'tcp' | 'udp'; all: true };

interface Statement {
  kind: 'may' | 'must not';
  sources: string[];
  dest: string;
  ports: Port[];
}

interface Version {
  statements: Statement[];
  restricted: Set<string>;
  database: string[];
  /** Members of the droplet set `legacy`, by droplet name. */
  legacy: string[];
}

const HEADER = [
  'policy p',
  `tags ${TAGS.join(', ')}`,
  'addresses office = 203.0.113.0/24, 2001:db8:10::/48',
  'addresses vpn = 198.51.100.7',
  'addresses wide = 10.0.0.0/8',
  'addresses narrow = 10.1.0.0/16',
];

function portText(p: Port): string {
  if (p.proto === 'icmp') return 'icmp';
  if ('all' in p) return p.proto;
  return `${p.proto} ${p.from === p.to ? p.from : `${p.from}-${p.to}`}`;
}

function render(v: Version): string {
  const lines = [...HEADER, `droplets legacy = ${v.legacy.map((m) => `"${m}"`).join(', ')}`];
  for (const s of v.statements) lines.push(`${s.sources.join(', ')} ${s.kind} reach ${s.dest} on ${s.ports.map(portText).join(', ')}`);
  for (const t of [...v.restricted].sort()) lines.push(`egress from ${t} is restricted`, `${t} may reach anyone on https, dns`);
  for (const t of v.database) lines.push(`${t} may reach database "main-db"`);
  return `${lines.join('\n')}\n`;
}

export interface ChangePair {
  readonly old: string;
  readonly new: string;
  /** What was changed, for failure messages. */
  readonly mutations: readonly string[];
}

export function generateChange(seed: number): ChangePair {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  // Ports cluster in a few small windows so that old and new rules overlap.
  const port = (): Port => {
    const x = int(10);
    if (x === 0) return { proto: 'icmp' };
    if (x === 1) return { proto: pick(['tcp', 'udp'] as const), all: true };
    const base = pick([22, 80, 443, 5432, 8000]);
    const from = base + int(6);
    return { proto: x < 8 ? 'tcp' : 'udp', from, to: from + (int(2) === 0 ? 0 : int(12)) };
  };
  const statement = (): Statement => {
    const guard = int(6) === 0;
    const dest = pick(UNITS);
    const sources = [...new Set([pick(SOURCES), ...(int(2) === 0 ? [pick(SOURCES)] : [])])].filter((s) => s !== dest);
    return { kind: guard ? 'must not' : 'may', sources: sources.length > 0 ? sources : ['anyone'], dest, ports: Array.from({ length: 1 + int(3) }, port) };
  };
  const old: Version = {
    statements: Array.from({ length: 2 + int(4) }, statement),
    restricted: new Set(int(3) === 0 ? [pick(TAGS)] : []),
    database: int(2) === 0 ? [pick(TAGS)] : [],
    legacy: int(2) === 0 ? ['loose-1'] : ['loose-1', 'web-2'],
  };
  const next: Version = { statements: structuredClone(old.statements), restricted: new Set(old.restricted), database: [...old.database], legacy: [...old.legacy] };
  const mutations: string[] = [];

  const mutatePorts = (s: Statement): void => {
    const i = int(s.ports.length);
    const p = s.ports[i]!;
    if (p.proto === 'icmp') {
      s.ports[i] = { proto: 'tcp', from: 8000, to: 8010 };
      mutations.push('icmp → tcp 8000-8010');
      return;
    }
    if ('all' in p) {
      const from = pick([22, 80, 443, 5432, 8000]);
      s.ports[i] = { proto: p.proto, from, to: from + int(5) };
      mutations.push(`${p.proto} all narrowed to ${portText(s.ports[i]!)}`);
      return;
    }
    const { proto, from, to } = p;
    switch (int(6)) {
      case 0: // narrow
        s.ports[i] = { proto, from: Math.min(to, from + 1 + int(3)), to };
        break;
      case 1: // widen
        s.ports[i] = { proto, from: Math.max(1, from - int(4)), to: to + 1 + int(6) };
        break;
      case 2: // split: take a point out, or keep both ends
        if (to - from >= 2) s.ports.splice(i, 1, { proto, from, to: from }, { proto, from: from + 2, to });
        else s.ports[i] = { proto, from, to: from };
        break;
      case 3: // a single port inside
        s.ports[i] = { proto, from: from + Math.floor((to - from) / 2), to: from + Math.floor((to - from) / 2) };
        break;
      case 4: // merge with the next window up
        s.ports.push({ proto, from: to + 1, to: to + 1 + int(4) });
        break;
      default: // all ports
        s.ports[i] = { proto, all: true };
    }
    mutations.push(`${portText(p)} → ${s.ports.map(portText).join(', ')} (${s.dest})`);
  };

  const changes = 1 + int(3);
  for (let c = 0; c < changes; c++) {
    const s = next.statements.length > 0 ? pick(next.statements) : undefined;
    switch (s ? int(9) : 5) {
      case 0:
      case 1:
      case 2:
        mutatePorts(s!);
        break;
      case 3: {
        const other = pick(SOURCES.filter((x) => x !== s!.dest && !s!.sources.includes(x)));
        if (other) s!.sources.push(other);
        mutations.push(`source ${other} added (${s!.dest})`);
        break;
      }
      case 4: {
        if (s!.sources.length > 1) {
          const gone = s!.sources.splice(int(s!.sources.length), 1);
          mutations.push(`source ${gone[0]} dropped (${s!.dest})`);
        } else {
          const swap: Record<string, string> = { wide: 'narrow', narrow: 'wide', anyone: 'office', office: 'anyone' };
          const before = s!.sources[0]!;
          s!.sources[0] = swap[before] ?? 'anyone';
          mutations.push(`source ${before} → ${s!.sources[0]} (${s!.dest})`);
        }
        break;
      }
      case 5:
        next.statements.push(statement());
        mutations.push('statement added');
        break;
      case 6:
        next.statements.splice(next.statements.indexOf(s!), 1);
        mutations.push('statement removed');
        break;
      case 7: {
        if (int(3) === 0) {
          // The droplet set gains or loses a member that is also tagged (two firewalls on one droplet).
          next.legacy = next.legacy.includes('web-2') ? ['loose-1'] : ['loose-1', 'web-2'];
          mutations.push(`droplet set members → ${next.legacy.join(', ')}`);
          break;
        }
        const t = pick(UNITS);
        if (next.restricted.has(t)) next.restricted.delete(t);
        else next.restricted.add(t);
        mutations.push(`egress of ${t} toggled`);
        break;
      }
      default: {
        const t = pick(TAGS);
        next.database = next.database.includes(t) ? next.database.filter((x) => x !== t) : [...next.database, t];
        mutations.push(`database grant of ${t} toggled`);
      }
    }
  }
  return { old: render(old), new: render(next), mutations };
}
