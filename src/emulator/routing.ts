/**
 * Routing: which operation a method and path are, with its path parameters and the scopes it needs, and
 * the status a success answers with.
 */
import { findOperation, type OperationId, type OperationSpec } from '../api/index.js';
import { badRequest, notFound } from './errors.js';

export type Route =
  | { readonly kind: 'operation'; readonly operationId: OperationId; readonly operation: OperationSpec; readonly params: Record<string, string> }
  /** GET /v2/droplets/{id}/firewalls: not in the bundled description (DO-API-FACTS.md 1). */
  | { readonly kind: 'dropletFirewalls'; readonly dropletId: number };

const DROPLET_FIREWALLS = /^\/v2\/droplets\/([^/]+)\/firewalls$/;
/** The scope the droplet-firewalls route needs, as the firewall reads do. */
const DROPLET_FIREWALLS_SCOPES = ['firewall:read'];

/** The route of a request; a 404 when there is none, a 400 for a path that is not valid %-escaped text. */
export function route(method: string, path: string): Route {
  const byDroplet = method === 'GET' ? DROPLET_FIREWALLS.exec(path) : null;
  if (byDroplet) return { kind: 'dropletFirewalls', dropletId: Number(byDroplet[1]) };
  let found: ReturnType<typeof findOperation>;
  try {
    found = findOperation(method, path);
  } catch (error) {
    // A path parameter that is not a valid %-escape (`/v2/tags/%zz`) is the client's mistake.
    if (error instanceof URIError) throw badRequest('The request path holds an invalid %-escape.');
    throw error;
  }
  if (!found) throw notFound('The resource you were accessing could not be found.');
  return { kind: 'operation', operationId: found.operation.operationId as OperationId, operation: found.operation, params: found.params };
}

export function routeScopes(route: Route): readonly string[] {
  return route.kind === 'operation' ? route.operation.scopes : DROPLET_FIREWALLS_SCOPES;
}

/** Statuses other than 200 that a success answers with, as the description documents them. */
const SUCCESS: Partial<Record<OperationId, number>> = {
  firewalls_create: 202,
  firewalls_delete: 204,
  firewalls_assign_droplets: 204,
  firewalls_delete_droplets: 204,
  firewalls_add_tags: 204,
  firewalls_delete_tags: 204,
  firewalls_add_rules: 204,
  firewalls_delete_rules: 204,
  tags_create: 201,
  tags_delete: 204,
  databases_update_firewall_rules: 204,
};

export function successStatus(operationId: OperationId | null): number {
  return operationId ? (SUCCESS[operationId] ?? 200) : 200;
}
