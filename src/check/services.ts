/**
 * Services: an `on` list or a service declaration reduces to protocol and port intervals. A bare port
 * takes the protocol of the nearest `tcp`/`udp` before it in the same list, else tcp; ports are 1–65535
 * and a range is low ≤ high; service names are built in or declared, and do not contain themselves.
 *
 *     web may reach db on 9000-8000    # FW303
 */
import { didYouMean } from '../diagnostics/index.js';
import type { PortSpec, ServiceItem } from '../syntax/index.js';
import { BUILTIN_SERVICES } from './builtins.js';
import { KIND_WORDS, type CheckContext } from './context.js';
import { checkReference } from './declarations.js';
import type { ServiceAtom } from './policy.js';

function portValue(ctx: CheckContext, text: string, span: { start: number; end: number }): number | null {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1 || value > 65535) {
    ctx.report('invalidPort', {
      message: `port \`${text}\` is out of range`,
      span,
      label: 'not between 1 and 65535',
      help: [value === 0 ? 'to mean every port, write the protocol alone (`tcp`) or `all`' : undefined],
    });
    return null;
  }
  return value;
}

function portInterval(ctx: CheckContext, spec: PortSpec): { from: number; to: number } | null {
  const from = portValue(ctx, spec.from.text, spec.from.span);
  const to = spec.to ? portValue(ctx, spec.to.text, spec.to.span) : from;
  if (from === null || to === null) return null;
  if (from > to) {
    ctx.report('invalidPort', {
      message: `the range \`${from}-${to}\` runs backwards`,
      span: spec.span,
      label: 'low port after high port',
      help: [`write \`${to}-${from}\``],
    });
    return null;
  }
  return { from, to };
}

function builtinAtoms(name: string, span: { start: number; end: number }): ServiceAtom[] | null {
  const builtin = BUILTIN_SERVICES.get(name);
  return builtin ? builtin.items.map((i) => ({ protocol: i.protocol, from: i.port, to: i.port, span })) : null;
}

/** Resolves a list of service items to atoms; `resolving` guards against services that contain themselves. */
export function resolveServices(ctx: CheckContext, items: readonly ServiceItem[], resolving: string[] = []): ServiceAtom[] {
  const atoms: ServiceAtom[] = [];
  let protocol: 'tcp' | 'udp' = 'tcp';
  for (const item of items) {
    switch (item.kind) {
      case 'Protocol': {
        protocol = item.protocol;
        if (!item.ports) {
          atoms.push({ protocol: item.protocol, from: 1, to: 65535, span: item.span });
        } else {
          const iv = portInterval(ctx, item.ports);
          if (iv) atoms.push({ protocol: item.protocol, ...iv, span: item.span });
        }
        break;
      }
      case 'Port': {
        const iv = portInterval(ctx, item.ports);
        if (iv) atoms.push({ protocol, ...iv, span: item.span });
        break;
      }
      case 'Icmp':
        atoms.push({ protocol: 'icmp', span: item.span });
        break;
      case 'All':
        atoms.push(
          { protocol: 'tcp', from: 1, to: 65535, span: item.span },
          { protocol: 'udp', from: 1, to: 65535, span: item.span },
          { protocol: 'icmp', span: item.span },
        );
        break;
      case 'ServiceRef':
        atoms.push(...serviceRef(ctx, item, resolving));
        break;
    }
  }
  return atoms;
}

/** A service named in a list: a built-in one (unless the policy declares that name), or a declared one. */
function serviceRef(ctx: CheckContext, item: Extract<ServiceItem, { kind: 'ServiceRef' }>, resolving: string[]): ServiceAtom[] {
  if (!checkReference(ctx, item.name, 'service')) return [];
  const name = item.name.text;
  const builtin = builtinAtoms(name, item.span);
  if (builtin && !ctx.declarations.has(name)) return builtin;
  const decl = ctx.declarations.get(name);
  if (!decl) {
    ctx.report('unknownName', {
      message: `unknown service \`${name}\``,
      span: item.name.span,
      label: 'not a built-in or declared service',
      help: [didYouMean(name, [...BUILTIN_SERVICES.keys(), ...ctx.namesOf('service')]), 'declare it with `service NAME = tcp PORT, …`, or write the port itself'],
    });
    return [];
  }
  if (decl.kind !== 'service') {
    ctx.report('wrongKind', {
      message: `\`${name}\` is ${KIND_WORDS[decl.kind]}, not a service`,
      span: item.name.span,
      label: KIND_WORDS[decl.kind],
      secondary: [{ file: ctx.file, span: decl.name.span, message: 'declared here' }],
    });
    return [];
  }
  return serviceAtoms(ctx, name, resolving).map((a) => ({ ...a, span: item.span }));
}

/** The atoms of a declared service, resolved once. */
export function serviceAtoms(ctx: CheckContext, name: string, resolving: string[] = []): ServiceAtom[] {
  const done = ctx.services.get(name);
  if (done) return done;
  const decl = ctx.declarations.get(name);
  if (!decl || decl.kind !== 'service') return [];
  if (resolving.includes(name)) {
    ctx.report('groupCycle', {
      message: `service \`${name}\` contains itself: ${[...resolving.slice(resolving.indexOf(name)), name].map((s) => `\`${s}\``).join(' → ')}`,
      span: decl.name.span,
      label: 'part of a cycle',
    });
    return [];
  }
  const atoms = resolveServices(ctx, decl.decl.items, [...resolving, name]);
  ctx.services.set(name, atoms);
  return atoms;
}

export function checkServiceDecls(ctx: CheckContext): void {
  for (const decl of ctx.declarations.values()) if (decl.kind === 'service') serviceAtoms(ctx, decl.name.text);
}
