/**
 * Rules and expectations: endpoints stand where they may (every kind on either side, but databases only
 * as destinations, with no `on` clause and no `must not`); every other rule has an `on` clause; every
 * source–destination pair has a governed side (a declared tag or droplet set, or a group of them);
 * `until` dates are real.
 *
 *     office may reach vpn on ssh      # FW311: neither side is governed
 */
import type { Endpoint, ExpectStmt, RuleStmt } from '../syntax/index.js';
import type { CheckContext } from './context.js';
import { checkUntil } from './dates.js';
import { isTagSide, resolveEndpoint } from './endpoints.js';
import type { Expectation, Grant, ResolvedEndpoint } from './policy.js';
import { resolveServices } from './services.js';

function endpointWord(e: ResolvedEndpoint): string {
  switch (e.kind) {
    case 'tag':
      return `\`${e.via ?? e.tag}\``;
    case 'address':
      return `\`${e.via ?? e.cidr.text}\``;
    case 'anyone':
      return '`anyone`';
    case 'load-balancer':
      return `load balancer \`${e.name}\``;
    case 'cluster':
      return `cluster \`${e.name}\``;
    case 'droplet':
      return `droplet \`${e.name ?? e.id}\``;
    case 'database':
      return `database \`${e.name}\``;
    case 'set':
      return `\`${e.via ?? e.set}\``;
    case 'tag-ref':
      return `tag \`${e.tag}\``;
    case 'vpc':
      return `vpc \`${e.name}\``;
  }
}

function checkPlacement(ctx: CheckContext, sources: readonly Endpoint[], dests: readonly Endpoint[]): void {
  for (const s of sources) {
    if (s.kind === 'Database') {
      ctx.report('misplacedEndpoint', {
        message: 'a database can only be a destination',
        span: s.span,
        label: 'database as a source',
        help: ['a managed database is reached, it does not reach: write `… may reach database "NAME"`'],
      });
    }
  }
  // Every other kind may stand on either side: a destination that is not governed is held by the
  // source's outbound rules (DigitalOcean's `destinations`), which exist only while its egress is restricted.
  void dests;
}

/** Reports the first source–destination pair of a statement with no governed side. */
function checkTagSide(ctx: CheckContext, sources: readonly ResolvedEndpoint[], dests: readonly ResolvedEndpoint[]): void {
  let first: [ResolvedEndpoint, ResolvedEndpoint] | null = null;
  let count = 0;
  const seen = new Set<string>();
  for (const s of sources) {
    for (const d of dests) {
      if (d.kind === 'database' || isTagSide(s) || isTagSide(d)) continue;
      const key = `${s.span.start}:${d.span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      count++;
      first ??= [s, d];
    }
  }
  if (!first) return;
  const [s, d] = first;
  ctx.report('noTagSide', {
    message: `neither ${endpointWord(s)} nor ${endpointWord(d)} is governed by this policy, so no firewall of it can hold this pair`,
    span: s.span,
    label: 'not governed here',
    secondary: [{ file: ctx.file, span: d.span, message: 'not governed here either' }],
    notes: count > 1 ? [`${count - 1} more pair${count === 2 ? ' of this statement has' : 's of this statement have'} the same problem`] : [],
    help: [
      'put a tag, droplet set or group that this policy declares on one side (`tags NAME`, `droplets NAME = …`)',
      '`tag "NAME"`, `droplet "NAME"`, load balancers, clusters, VPCs and addresses are only referred to: no firewall of this policy applies to them',
    ],
  });
}

function checkDatabaseSources(ctx: CheckContext, sources: readonly ResolvedEndpoint[]): void {
  for (const s of sources) {
    if (s.kind === 'load-balancer') {
      ctx.report('databaseSource', {
        message: 'a load balancer cannot be a trusted source of a managed database',
        span: s.span,
        label: 'not a trusted source type',
        help: ['trust the tag of the droplets that talk to the database instead'],
      });
    } else if (s.kind === 'address' && s.cidr.family === 6) {
      ctx.report('databaseSource', {
        message: `\`${s.cidr.text}\` is IPv6; managed database trusted sources take IPv4 only`,
        span: s.span,
        label: 'IPv6',
      });
    }
  }
}

export function checkRule(ctx: CheckContext, stmt: RuleStmt, index: number): Grant {
  checkPlacement(ctx, stmt.sources, stmt.dests);
  const sources = stmt.sources.flatMap((e) => resolveEndpoint(ctx, e));
  const dests = stmt.dests.flatMap((e) => resolveEndpoint(ctx, e));
  const database = stmt.dests.find((d) => d.kind === 'Database');
  if (database) {
    if (stmt.services && stmt.onSpan) {
      ctx.report('misplacedEndpoint', {
        message: 'a rule that reaches a database takes no `on` clause',
        span: { start: stmt.onSpan.start, end: stmt.span.end },
        label: 'not for databases',
        help: ["a database's trusted sources admit every port it serves; remove the `on` clause"],
      });
    }
    if (stmt.effect === 'must-not') {
      ctx.report('misplacedEndpoint', {
        message: 'a database cannot be the destination of `must not`',
        span: database.span,
        label: 'trusted sources have no deny',
        help: ['leave the source out of the database\'s `may reach` statements instead'],
      });
    }
    checkDatabaseSources(ctx, sources);
  } else if (!stmt.services) {
    ctx.report('missingOn', {
      message: 'this rule does not say which services it is about',
      span: { start: stmt.span.end, end: stmt.span.end },
      label: 'expected `on SERVICES` here',
      help: ['add an `on` clause, for example `on https` or `on tcp 8080`'],
    });
  }
  checkTagSide(ctx, sources, dests);
  const services = stmt.services && !database ? resolveServices(ctx, stmt.services) : [];
  const expired = stmt.until ? checkUntil(ctx, stmt.until, stmt.effect === 'may' ? 'grant' : 'guardrail') : false;
  return {
    index,
    effect: stmt.effect === 'may' ? 'allow' : 'deny',
    sources,
    dests,
    services,
    until: stmt.until?.text ?? null,
    expired,
    statement: stmt,
    line: ctx.line(stmt.span.start),
  };
}

export function checkExpect(ctx: CheckContext, stmt: ExpectStmt): Expectation {
  checkPlacement(ctx, stmt.sources, stmt.dests);
  const sources = stmt.sources.flatMap((e) => resolveEndpoint(ctx, e));
  const dests = stmt.dests.flatMap((e) => resolveEndpoint(ctx, e));
  const database = dests.some((d) => d.kind === 'database');
  if (!stmt.services && !database) {
    ctx.report('missingOn', {
      message: 'this expectation does not say which services it is about',
      span: { start: stmt.span.end, end: stmt.span.end },
      label: 'expected `on SERVICES` here',
      help: ['add an `on` clause, for example `on ssh`'],
    });
  }
  checkTagSide(ctx, sources, dests);
  return {
    verdict: stmt.verdict,
    sources,
    dests,
    services: stmt.services ? resolveServices(ctx, stmt.services) : [],
    statement: stmt,
    line: ctx.line(stmt.span.start),
  };
}
