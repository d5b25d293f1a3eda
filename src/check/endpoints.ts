/**
 * Endpoints: names resolve to tags (groups expand), address sets or literal addresses; `anyone` is
 * `0.0.0.0/0` and `::/0`; resources named in quotes stay symbolic until plan time.
 *
 *     web may reach dbb on postgres    # FW201: unknown name `dbb`; did you mean `db`?
 */
import { ANY_IPV4, ANY_IPV6 } from '../compile/addresses.js';
import { didYouMean } from '../diagnostics/suggest.js';
import type { Endpoint, StringLit } from '../syntax/ast.js';
import { hasControl, printable } from '../diagnostics/printable.js';
import { BUILTIN_SERVICES } from './builtins.js';
import { checkAddress } from './addresses.js';
import { checkReference } from './declarations.js';
import { KIND_WORDS, type CheckContext } from './context.js';
import type { ResolvedEndpoint } from './policy.js';

/**
 * A quoted resource name may hold any character but a quote: not control characters, which would reach
 * terminals and pull-request comments as escapes (`"\x1b]8;;…"`).
 */
function controlFree(ctx: CheckContext, lit: StringLit): boolean {
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
  if ((endpoint.kind === 'LoadBalancer' || endpoint.kind === 'Cluster' || endpoint.kind === 'Database') && !controlFree(ctx, endpoint.name)) return [];
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
      if (endpoint.ref.kind === 'String') return [{ kind: 'droplet', name: endpoint.ref.text, id: null, span: endpoint.span }];
      const id = Number(endpoint.ref.text);
      if (!Number.isSafeInteger(id) || id < 1) {
        ctx.report('invalidAddress', {
          message: `\`${endpoint.ref.text}\` is not a droplet id`,
          span: endpoint.ref.span,
          label: 'not a droplet id',
          help: ['write a droplet id (a positive number) or its name in quotes: `droplet "web-1"`'],
        });
        return [];
      }
      return [{ kind: 'droplet', name: null, id, span: endpoint.span }];
    }
    case 'Address': {
      const cidr = checkAddress(ctx, endpoint);
      return cidr ? [{ kind: 'address', cidr, span: endpoint.span }] : [];
    }
    case 'Name': {
      if (!checkReference(ctx, endpoint)) return [];
      const decl = ctx.declarations.get(endpoint.text);
      if (!decl) {
        if (looksLikeAddress(endpoint.text)) {
          ctx.report('invalidAddress', {
            message: `\`${endpoint.text}\` is not a valid IP address or CIDR block`,
            span: endpoint.span,
            label: 'not an address',
            help: ['IPv6 addresses have at most eight groups and one `::`; a name that looks like this must be quoted'],
          });
          return [];
        }
        if (BUILTIN_SERVICES.has(endpoint.text)) {
          ctx.report('wrongKind', {
            message: `\`${endpoint.text}\` is a built-in service, not a source or destination`,
            span: endpoint.span,
            label: 'a service',
            help: ['services go after `on`; to name droplets, declare a tag (a name that is also a service is fine)'],
          });
          return [];
        }
        ctx.report('unknownName', {
          message: `unknown name \`${endpoint.text}\``,
          span: endpoint.span,
          label: 'not declared in this policy',
          help: [
            didYouMean(endpoint.text, ctx.namesOf('tag', 'group', 'addresses')),
            'declare it with `tags NAME`, `group NAME = …` or `addresses NAME = …`',
          ],
        });
        return [];
      }
      switch (decl.kind) {
        case 'tag':
          return [{ kind: 'tag', tag: decl.name.text, span: endpoint.span }];
        case 'group':
          return (ctx.groupTags.get(decl.name.text) ?? []).map((tag) => ({ kind: 'tag', tag, span: endpoint.span, via: decl.name.text }));
        case 'addresses':
          return (ctx.addressSets.get(decl.name.text) ?? []).map((cidr) => ({
            kind: 'address',
            cidr,
            span: endpoint.span,
            via: decl.name.text,
          }));
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
  }
}

/** A bare word made of hex digits and colons with `::` or several colons: a mistyped IPv6 address. */
function looksLikeAddress(text: string): boolean {
  return /^[0-9A-Fa-f:.]+(\/[0-9]+)?$/.test(text) && (text.includes('::') || text.split(':').length > 2);
}

/** Whether an endpoint stands for droplets that a firewall applies to (a tag or a group's tag). */
export function isTagSide(e: ResolvedEndpoint): boolean {
  return e.kind === 'tag';
}
