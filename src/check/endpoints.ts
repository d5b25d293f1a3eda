/**
 * Endpoints: names resolve to tags and droplet sets (groups expand), address sets or literal addresses;
 * `anyone` is `0.0.0.0/0` and `::/0`; resources named in quotes (load balancers, clusters, droplets,
 * databases, VPCs) stay symbolic until plan time; `tag "NAME"` is a tag the policy does not govern.
 *
 *     web may reach dbb on postgres    # FW201: unknown name `dbb`; did you mean `db`?
 */
import { ANY_IPV4, ANY_IPV6 } from '../model/index.js';
import { didYouMean, hasControl, printable } from '../diagnostics/index.js';
import type { Span } from '../source/index.js';
import type { Endpoint, NumberLit, StringLit } from '../syntax/index.js';
import { BUILTIN_SERVICES, MAX_NAME_LENGTH, NAME_PATTERN, isReserved } from './builtins.js';
import { checkAddress } from './addresses.js';
import { checkReference } from './declarations.js';
import { KIND_WORDS, type CheckContext } from './context.js';
import type { DropletMember, ResolvedEndpoint } from './policy.js';

/** A droplet named by id or name (`droplet 12345`, a member of `droplets NAME = …`); null when invalid. */
export function dropletMember(ctx: CheckContext, ref: StringLit | NumberLit): DropletMember | null {
  if (ref.kind === 'String') return { name: ref.text, id: null, span: ref.span };
  const id = Number(ref.text);
  if (!Number.isSafeInteger(id) || id < 1) {
    ctx.report('invalidAddress', {
      message: `\`${ref.text}\` is not a droplet id`,
      span: ref.span,
      label: 'not a droplet id',
      help: ['write a droplet id (a positive number) or its name in quotes: `droplet "web-1"`'],
    });
    return null;
  }
  return { name: null, id, span: ref.span };
}

/** The endpoint of a governed unit (a tag or a droplet set) by its declared name. */
function unitEndpoint(ctx: CheckContext, name: string, span: ResolvedEndpoint['span'], via?: string): ResolvedEndpoint {
  const decl = ctx.declarations.get(name);
  const viaPart = via !== undefined ? { via } : {};
  if (decl?.kind === 'droplets') return { kind: 'set', set: name, members: ctx.dropletSets.get(name) ?? [], span, ...viaPart };
  return { kind: 'tag', tag: name, span, ...viaPart };
}

/**
 * A quoted resource name may hold any character but a quote: not control characters, which would reach
 * terminals and pull-request comments as escapes (`"\x1b]8;;…"`).
 */
export function controlFree(ctx: CheckContext, lit: StringLit): boolean {
  if (!hasControl(lit.text)) return true;
  ctx.report('invalidName', {
    message: `the name "${printable(lit.text)}" holds a control character`,
    span: lit.span,
    label: 'control character in this name',
    help: ['write the resource name as DigitalOcean shows it, without control characters'],
  });
  return false;
}

/** Resolves one endpoint; reports unknown names and names of the wrong kind and returns [] for them. */
export function resolveEndpoint(ctx: CheckContext, endpoint: Endpoint): ResolvedEndpoint[] {
  if ((endpoint.kind === 'LoadBalancer' || endpoint.kind === 'Cluster' || endpoint.kind === 'Database' || endpoint.kind === 'TagRef' || endpoint.kind === 'Vpc') && !controlFree(ctx, endpoint.name)) return [];
  if (endpoint.kind === 'Droplet' && endpoint.ref.kind === 'String' && !controlFree(ctx, endpoint.ref)) return [];
  switch (endpoint.kind) {
    case 'Anyone':
      return [{ kind: 'anyone', cidrs: [ANY_IPV4, ANY_IPV6], span: endpoint.span }];
    case 'LoadBalancer':
      return [{ kind: 'load-balancer', name: endpoint.name.text, span: endpoint.span }];
    case 'Cluster':
      return [{ kind: 'cluster', name: endpoint.name.text, span: endpoint.span }];
    case 'Database':
      return [{ kind: 'database', name: endpoint.name.text, span: endpoint.span }];
    case 'Droplet': {
      const member = dropletMember(ctx, endpoint.ref);
      return member ? [{ kind: 'droplet', name: member.name, id: member.id, span: endpoint.span }] : [];
    }
    case 'TagRef':
      return tagRef(ctx, endpoint.name, endpoint.span);
    case 'Vpc':
      return [{ kind: 'vpc', name: endpoint.name.text, span: endpoint.span }];
    case 'Address': {
      const cidr = checkAddress(ctx, endpoint);
      return cidr ? [{ kind: 'address', cidr, span: endpoint.span }] : [];
    }
    case 'Name':
      return namedEndpoint(ctx, endpoint);
  }
}

/**
 * `tag "NAME"`. A tag this policy governs is the same tag, whichever way it is written (DigitalOcean
 * compares tags without case): it is governed, in the spelling it was declared with.
 */
function tagRef(ctx: CheckContext, name: StringLit, span: Span): ResolvedEndpoint[] {
  const tag = name.text;
  if (!checkTagRefName(ctx, name)) return [];
  const decl = ctx.declarations.get(tag) ?? [...ctx.declarations.values()].find((d) => d.kind === 'tag' && d.name.text.toLowerCase() === tag.toLowerCase());
  if (decl?.kind === 'tag') return [{ kind: 'tag', tag: decl.name.text, span }];
  return [{ kind: 'tag-ref', tag, span }];
}

/** A bare name: what it was declared as, expanded (a group to its units, an address set to its blocks). */
function namedEndpoint(ctx: CheckContext, endpoint: Extract<Endpoint, { kind: 'Name' }>): ResolvedEndpoint[] {
  if (!checkReference(ctx, endpoint)) return [];
  const decl = ctx.declarations.get(endpoint.text);
  if (!decl) {
    undeclared(ctx, endpoint);
    return [];
  }
  switch (decl.kind) {
    case 'tag':
    case 'droplets':
      return [unitEndpoint(ctx, decl.name.text, endpoint.span)];
    case 'group':
      return (ctx.groupTags.get(decl.name.text) ?? []).map((unit) => unitEndpoint(ctx, unit, endpoint.span, decl.name.text));
    case 'addresses':
      return (ctx.addressSets.get(decl.name.text) ?? []).map((cidr) => ({ kind: 'address', cidr, span: endpoint.span, via: decl.name.text }));
    case 'service':
      ctx.report('wrongKind', {
        message: `\`${endpoint.text}\` is ${KIND_WORDS.service}, not a source or destination`,
        span: endpoint.span,
        label: 'a service',
        secondary: [{ file: ctx.file, span: decl.name.span, message: 'declared here' }],
        help: ['services go after `on`'],
      });
      return [];
  }
}

/** A name nothing declares: a mistyped address, a built-in service in the wrong place, or a name to declare. */
function undeclared(ctx: CheckContext, endpoint: Extract<Endpoint, { kind: 'Name' }>): void {
  if (looksLikeAddress(endpoint.text)) {
    ctx.report('invalidAddress', {
      message: `\`${endpoint.text}\` is not a valid IP address or CIDR block`,
      span: endpoint.span,
      label: 'not an address',
      help: ['IPv6 addresses have at most eight groups and one `::`; a name that looks like this must be quoted'],
    });
    return;
  }
  if (BUILTIN_SERVICES.has(endpoint.text)) {
    ctx.report('wrongKind', {
      message: `\`${endpoint.text}\` is a built-in service, not a source or destination`,
      span: endpoint.span,
      label: 'a service',
      help: ['services go after `on`; to name droplets, declare a tag (a name that is also a service is fine)'],
    });
    return;
  }
  const bare = isReserved(endpoint.text, 'name') || !NAME_PATTERN.test(endpoint.text) ? `"${endpoint.text}"` : endpoint.text;
  const suggestion = didYouMean(endpoint.text, ctx.namesOf('tag', 'droplets', 'group', 'addresses'));
  ctx.report('unknownName', {
    message: `unknown name \`${endpoint.text}\``,
    span: endpoint.span,
    label: 'not declared in this policy',
    help: [
      suggestion,
      `to govern tag \`${endpoint.text}\` (its own firewall, closed to all this policy does not grant): declare \`tags ${bare}\``,
      `to refer to tag \`${endpoint.text}\` without governing it (its droplets keep the firewalls they have): write \`tag "${endpoint.text}"\``,
      'or declare it as a droplet set, group or address set (`droplets NAME = …`, `group NAME = …`, `addresses NAME = …`)',
    ],
  });
}

/** A bare word made of hex digits and colons with `::` or several colons: a mistyped IPv6 address. */
function looksLikeAddress(text: string): boolean {
  return /^[0-9A-Fa-f:.]+(\/[0-9]+)?$/.test(text) && (text.includes('::') || text.split(':').length > 2);
}

/** A tag written `tag "NAME"` must still be a name a DigitalOcean tag can be. */
function checkTagRefName(ctx: CheckContext, name: StringLit): boolean {
  if (NAME_PATTERN.test(name.text) && name.text.length <= MAX_NAME_LENGTH) return true;
  ctx.report('invalidName', {
    message: `\`${name.text}\` cannot be a DigitalOcean tag`,
    span: name.span,
    label: 'not a valid tag name',
    help: ['a tag is letters, digits, `-`, `_` and `:`, starting with a letter or digit, at most 255 characters'],
  });
  return false;
}

/** Whether an endpoint stands for droplets this policy governs (a tag, a droplet set, or either through a group). */
export function isTagSide(e: ResolvedEndpoint): boolean {
  return e.kind === 'tag' || e.kind === 'set';
}

/** The declared name of the governed unit an endpoint stands for, or null when it is not governed. */
export function unitOf(e: ResolvedEndpoint): string | null {
  return e.kind === 'tag' ? e.tag : e.kind === 'set' ? e.set : null;
}
