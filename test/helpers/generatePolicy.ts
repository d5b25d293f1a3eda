/**
 * Generates valid policies from a seed: small ones (few tags, few ports, overlapping addresses) for the
 * property tests, where collisions exercise merging and coverage, and large ones (up to 50,000
 * statements over 1,000 tags) for the benchmarks. The same seed and options always give the same text.
 */

export interface GenerateOptions {
  readonly statements: number;
  readonly tags: number;
  /** Share of statements that are `must not` (0..1). */
  readonly guardrails?: number;
  /** Share of tags with restricted egress (0..1). */
  readonly restricted?: number;
  /** Small pools make statements collide; wide pools make big, varied firewalls. */
  readonly pools?: 'small' | 'wide';
  /** Include load balancers, clusters, droplets and databases. */
  readonly resources?: boolean;
  /** Include `until` dates around 2026-11-24. */
  readonly expiry?: boolean;
  /**
   * Include what real accounts need: a droplet set (`droplets ds = "ds-1", 5151`, governed), tags the
   * policy does not govern (`tag "ext"`), a VPC (`vpc "v1"`), and every endpoint kind as a destination.
   */
  readonly reach?: boolean;
}

/** mulberry32: a tiny, good-enough seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generatePolicy(seed: number, options: GenerateOptions): string {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const some = <T>(xs: readonly T[], max: number): T[] => {
    const n = 1 + int(Math.min(max, xs.length));
    const out = new Set<T>();
    for (let tries = 0; out.size < n && tries < 100; tries++) out.add(pick(xs));
    return [...out];
  };
  const small = (options.pools ?? 'small') === 'small';
  const lines: string[] = ['policy gen'];

  // Tag names use every character class a tag may hold.
  const tags = Array.from({ length: options.tags }, (_, i) => (i % 7 === 3 ? `t_${i}` : i % 11 === 5 ? `env:t${i}` : `t${i}`));
  for (let i = 0; i < tags.length; i += 40) lines.push(`tags ${tags.slice(i, i + 40).join(', ')}`);

  const groups: string[] = [];
  const groupCount = Math.max(1, Math.floor(options.tags / 4));
  for (let g = 0; g < groupCount; g++) {
    const members = some(tags, 4);
    if (g > 0 && r() < 0.3) members.push(pick(groups));
    groups.push(`g${g}`);
    lines.push(`group g${g} = ${[...new Set(members)].join(', ')}`);
  }

  // Overlapping blocks in a small pool (10.0.0.0/8 and inside it, one IPv6 block and inside it).
  const v4 = small
    ? ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3', '192.168.0.0/16', '203.0.113.0/24', '203.0.113.7']
    : Array.from({ length: 200 }, (_, i) => `10.${i % 256}.${(i * 7) % 256}.0/24`);
  const v6 = small ? ['2001:db8::/32', '2001:db8:1::/48', '2001:db8:1::5'] : Array.from({ length: 50 }, (_, i) => `2001:db8:${i.toString(16)}::/48`);
  const addressSets: string[] = [];
  const setCount = small ? 3 : Math.max(3, Math.floor(options.tags / 10));
  for (let a = 0; a < setCount; a++) {
    addressSets.push(`a${a}`);
    lines.push(`addresses a${a} = ${some([...v4, ...v6], 3).join(', ')}`);
  }

  const portPool = small
    ? ['22', '53', '80', '81', '82', '443', '444', '80-443', '5432', '8000-8100', '8101', '8080', '9000-9999', '1-1024', '1025', '65535']
    : Array.from({ length: 300 }, (_, i) => (i % 5 === 0 ? `${1000 + i * 10}-${1000 + i * 10 + 9}` : String(1000 + i * 7)));
  const services: string[] = [];
  for (let s = 0; s < (small ? 2 : 20); s++) {
    services.push(`s${s}`);
    lines.push(`service s${s} = ${some([`tcp ${pick(portPool)}`, `udp ${pick(portPool)}`, pick(portPool), 'icmp'], 2).join(', ')}`);
  }
  const builtins = ['ssh', 'http', 'https', 'dns', 'ntp', 'postgres', 'redis'];

  // A droplet set is governed like a tag: it takes part wherever a tag does.
  const units = [...tags];
  if (options.reach) {
    lines.push('droplets ds = "ds-1", 5151');
    units.push('ds');
    if (r() < 0.5) lines.push(`group gs = ds, ${pick(tags)}`), groups.push('gs');
  }
  const restricted = units.filter(() => r() < (options.restricted ?? 0.3));
  for (let i = 0; i < restricted.length; i += 40) lines.push(`egress from ${restricted.slice(i, i + 40).join(', ')} is restricted`);

  const tagLike = () => (r() < 0.75 ? pick(units) : pick(groups));
  const addressLike = () => {
    const k = int(3);
    return k === 0 ? pick(addressSets) : k === 1 ? pick([...v4, ...v6]) : 'anyone';
  };
  const resourceLike = () =>
    pick(['load-balancer "lb1"', 'cluster "k1"', 'droplet "legacy"', 'droplet 4242', ...(options.reach ? ['tag "ext"', 'vpc "v1"'] : [])]);
  const serviceList = () =>
    some(
      [
        `tcp ${pick(portPool)}`,
        `udp ${pick(portPool)}`,
        pick(portPool),
        pick(builtins),
        pick(services),
        'icmp',
        ...(r() < 0.05 ? ['all', 'tcp', 'udp'] : []),
      ],
      3,
    ).join(', ');
  const until = () => {
    if (!options.expiry || r() > 0.15) return '';
    return ` until ${pick(['2026-11-01', '2026-11-23', '2026-11-24', '2026-12-31', '2027-06-30'])}`;
  };

  for (let i = 0; i < options.statements; i++) {
    const guardrail = r() < (options.guardrails ?? 0.1);
    const shape = int(10);
    let sources: string[];
    let dests: string[];
    if (options.resources && !guardrail && shape === 0) {
      // A database's trusted sources.
      sources = Array.from({ length: 1 + int(2) }, () => (r() < 0.7 ? tagLike() : pick(v4)));
      lines.push(`${[...new Set(sources)].join(', ')} may reach database "db${int(3 + Math.floor(options.statements / 200))}"${until()}`);
      continue;
    }
    if (shape < 3) {
      // Egress-shaped: tag sources, any destinations.
      sources = Array.from({ length: 1 + int(2) }, tagLike);
      dests = Array.from({ length: 1 + int(2) }, () => {
        const k = r();
        return k < 0.4 ? addressLike() : k < 0.8 || !options.reach ? tagLike() : resourceLike();
      });
    } else {
      // Ingress-shaped: any sources, tag destinations.
      sources = Array.from({ length: 1 + int(3) }, () => {
        const k = r();
        return k < 0.5 ? tagLike() : k < 0.85 || !options.resources || guardrail ? addressLike() : resourceLike();
      });
      dests = Array.from({ length: 1 + int(2) }, tagLike);
    }
    const verb = guardrail ? 'must not reach' : 'may reach';
    lines.push(`${[...new Set(sources)].join(', ')} ${verb} ${[...new Set(dests)].join(', ')} on ${serviceList()}${until()}`);
  }
  return lines.join('\n') + '\n';
}
