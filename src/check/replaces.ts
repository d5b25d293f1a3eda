/**
 * `replaces firewall "NAME"`: the existing firewalls a policy takes over. Whether each exists is known only
 * at plan time (plan/resolve.ts); here, what the text alone says: a Kubernetes firewall (`k8s-…`) is the
 * cluster's and cannot be taken over, and a firewall named twice is one line too many.
 */
import type { Span } from '../source/index.js';
import type { ReplacesDecl, Statement } from '../syntax/index.js';
import type { CheckContext } from './context.js';
import type { ReplacedFirewall } from './policy.js';

/** DigitalOcean Kubernetes names the firewalls it makes for a cluster's nodes `k8s-<cluster id>-…`. */
export function isKubernetesFirewall(name: string): boolean {
  return name.toLowerCase().startsWith('k8s-');
}

export function checkReplaces(ctx: CheckContext, statements: readonly Statement[]): ReplacedFirewall[] {
  const out: ReplacedFirewall[] = [];
  const seen = new Map<string, Span>();
  for (const stmt of statements) {
    if (stmt.kind !== 'ReplacesDecl') continue;
    const { firewall } = stmt as ReplacesDecl;
    const name = firewall.text;
    if (isKubernetesFirewall(name)) {
      ctx.report('replacesKubernetesFirewall', {
        message: `firewall \`${name}\` belongs to DigitalOcean Kubernetes and cannot be replaced`,
        span: firewall.span,
        label: 'a cluster firewall',
        notes: ['the cluster makes its `k8s-…` firewalls itself, and makes them again when they are deleted'],
        help: ['remove this line; to refer to the nodes, write `cluster "NAME"`'],
      });
      continue;
    }
    const first = seen.get(name.toLowerCase());
    if (first) {
      ctx.report('duplicateName', {
        message: `firewall \`${name}\` is replaced twice`,
        span: firewall.span,
        label: 'named again here',
        secondary: [{ file: ctx.file, span: first, message: 'first named here' }],
        help: ['remove one of the lines'],
      });
      continue;
    }
    seen.set(name.toLowerCase(), firewall.span);
    out.push({ name, span: stmt.span });
  }
  return out;
}
