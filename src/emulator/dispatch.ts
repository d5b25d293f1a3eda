/**
 * Dispatch: each operation of the description to its handler (firewalls.ts, resources.ts), lists through
 * pagination. The table is typed by OperationId, so an operation added to the description without a
 * handler does not compile. Handlers check everything before they change anything.
 */
import type { OperationId } from '../api/index.js';
import type { EmulatorContext } from './context.js';
import * as firewalls from './firewalls.js';
import { paginate } from './pagination.js';
import * as resources from './resources.js';

/** What a handler gets: the emulator, the request's path parameters, its URL and its parsed body. */
interface Call {
  readonly ctx: EmulatorContext;
  readonly fw: firewalls.FirewallContext;
  readonly params: Record<string, string>;
  readonly url: URL;
  readonly body: Record<string, unknown>;
}

type Handler = (call: Call) => unknown;

const HANDLERS: Record<OperationId, Handler> = {
  firewalls_list: ({ ctx, fw, url }) => paginate(url, ctx.base, 'firewalls', ctx.state.firewalls, (f) => firewalls.presentFirewall(fw, f)),
  firewalls_create: ({ fw, body }) => firewalls.createFirewall(fw, body),
  firewalls_get: ({ fw, params }) => firewalls.getFirewall(fw, params.firewall_id!),
  firewalls_update: ({ fw, params, body }) => firewalls.replaceFirewall(fw, params.firewall_id!, body),
  firewalls_delete: ({ fw, params }) => firewalls.deleteFirewall(fw, params.firewall_id!),
  firewalls_add_rules: ({ fw, params, body }) => firewalls.addRules(fw, params.firewall_id!, body),
  firewalls_delete_rules: ({ fw, params, body }) => firewalls.removeRules(fw, params.firewall_id!, body),
  firewalls_add_tags: ({ fw, params, body }) => firewalls.addTags(fw, params.firewall_id!, body),
  firewalls_delete_tags: ({ fw, params, body }) => firewalls.removeTags(fw, params.firewall_id!, body),
  firewalls_assign_droplets: ({ fw, params, body }) => firewalls.addDroplets(fw, params.firewall_id!, body),
  firewalls_delete_droplets: ({ fw, params, body }) => firewalls.removeDroplets(fw, params.firewall_id!, body),
  tags_list: ({ ctx, url }) => paginate(url, ctx.base, 'tags', ctx.state.tags, (t) => resources.presentTag(ctx.state, t)),
  tags_create: ({ ctx, body }) => ({ tag: resources.presentTag(ctx.state, resources.createTag(ctx.state, body)) }),
  tags_get: ({ ctx, params }) => resources.getTag(ctx.state, params.tag_id!),
  tags_delete: ({ ctx, params }) => resources.deleteTag(ctx.state, params.tag_id!),
  droplets_list: ({ ctx, url }) => paginate(url, ctx.base, 'droplets', resources.listDroplets(ctx.state, url.searchParams), resources.presentDroplet),
  loadBalancers_list: ({ ctx, url }) => paginate(url, ctx.base, 'load_balancers', ctx.state.load_balancers, resources.presentLoadBalancer),
  vpcs_list: ({ ctx, url }) => paginate(url, ctx.base, 'vpcs', ctx.state.vpcs ?? [], resources.presentVpc),
  vpcs_get: ({ ctx, params }) => resources.getVpc(ctx.state, params.vpc_id!),
  kubernetes_list_clusters: ({ ctx, url }) => paginate(url, ctx.base, 'kubernetes_clusters', ctx.state.kubernetes_clusters, resources.presentCluster),
  databases_list_clusters: ({ ctx }) => ({ databases: ctx.order(ctx.state.databases).map(resources.presentDatabase) }),
  databases_list_firewall_rules: ({ ctx, params }) => ({ rules: ctx.order(resources.findDatabase(ctx.state, params.database_cluster_uuid!).rules) }),
  databases_update_firewall_rules: ({ ctx, params, body }) =>
    resources.replaceDatabaseRules(ctx.state, params.database_cluster_uuid!, body, ctx.newId, Date.now),
};

/** Runs an operation's handler and returns its response body (undefined: no body). */
export function dispatch(ctx: EmulatorContext, operationId: OperationId, params: Record<string, string>, url: URL, body: Record<string, unknown>): unknown {
  return HANDLERS[operationId]({ ctx, fw: ctx.firewallContext(), params, url, body });
}

/** GET /v2/droplets/{id}/firewalls: the firewalls that apply to one droplet, paginated. */
export function dropletFirewalls(ctx: EmulatorContext, dropletId: number, url: URL): unknown {
  const list = firewalls.firewallsOfDroplet(ctx.firewallContext(), dropletId);
  return paginate(url, ctx.base, 'firewalls', list, (f) => firewalls.presentFirewall(ctx.firewallContext(), f));
}
