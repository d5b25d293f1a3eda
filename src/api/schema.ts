/**
 * The DigitalOcean API contract as fwc uses it: typed shapes generated from the vendored OpenAPI
 * description, and the request/response validators generated from it (scripts/generate.mjs).
 *
 * Both the client (src/digitalocean/) and the emulator (src/emulator/) import this module and nothing of
 * each other, so each is the other's independent test partner.
 */
import type { components } from './generated/openapi.js';
import * as validators from './generated/validators.js';
import { OPERATIONS, type OperationId, type OperationSpec } from './generated/operations.js';

export { OPERATIONS, type OperationId, type OperationSpec };

type Schemas = components['schemas'];
export type ApiFirewall = Schemas['firewall'];
export type ApiRuleBase = Schemas['firewall_rule_base'];
export type ApiTarget = Schemas['firewall_rule_target'];
export type ApiInboundRule = ApiRuleBase & { sources: ApiTarget };
export type ApiOutboundRule = ApiRuleBase & { destinations: ApiTarget };
export type ApiDroplet = Schemas['droplet'];
export type ApiNetworkV4 = Schemas['network_v4'];
export type ApiNetworkV6 = Schemas['network_v6'];
export type ApiRegion = Schemas['region'];
export type ApiVpc = Schemas['vpc'];
export type ApiTag = Schemas['tags'];
export type ApiLoadBalancer = Schemas['load_balancer_base'] & { id?: string; name?: string };
export type ApiKubernetesCluster = Schemas['cluster_read'];
export type ApiDatabaseCluster = Schemas['database_cluster_read'];
export type ApiDatabaseRule = Schemas['database_firewall_rule'];
export type ApiError = Schemas['error'];

/** One complaint of a validator: where in the document and what. */
export interface SchemaError {
  readonly path: string;
  readonly message: string;
}

type Validator = ((data: unknown) => boolean) & {
  errors?: { instancePath: string; message?: string; keyword: string; params: unknown }[] | null;
};
const table = validators as unknown as Record<string, Validator | undefined>;

/**
 * NOTE: the one documented exception to the contract. The schema marks `ports` required on every rule, but
 * every official client (godo, Terraform, the cloud controller manager) sends ICMP rules without it, and
 * the API accepts them (DO-API-FACTS.md 2.2). A missing `ports` on an ICMP rule is therefore not an error.
 */
function isIcmpWithoutPorts(document: unknown, error: NonNullable<Validator['errors']>[number]): boolean {
  if (error.keyword !== 'required') return false;
  if ((error.params as { missingProperty?: string }).missingProperty !== 'ports') return false;
  const target = resolvePointer(document, error.instancePath) as { protocol?: unknown } | undefined;
  return target?.protocol === 'icmp';
}

function resolvePointer(document: unknown, pointer: string): unknown {
  let at: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function run(name: string, document: unknown): SchemaError[] {
  const validate = table[name.replace(/[^A-Za-z0-9_]/g, '_')];
  if (!validate) return [{ path: '', message: `no schema named ${name}` }];
  if (validate(document)) return [];
  const errors = (validate.errors ?? []).filter((e) => !isIcmpWithoutPorts(document, e));
  // ajv reports the failing branch of every `anyOf`/`allOf` too; those repeat the real errors.
  const real = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'allOf' && e.keyword !== 'if');
  return (real.length > 0 ? real : errors.length > 0 ? errors : [])
    .map((e) => ({ path: e.instancePath || '/', message: e.message ?? e.keyword }));
}

/** The operation that a method and path (without query) belong to, with its path parameters. */
export function findOperation(
  method: string,
  path: string,
): { operation: OperationSpec; params: Record<string, string> } | null {
  for (const operation of OPERATIONS) {
    if (operation.method !== method.toUpperCase()) continue;
    const match = new RegExp(operation.pattern).exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    operation.params.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1] ?? '');
    });
    return { operation, params };
  }
  return null;
}

export function operationById(operationId: OperationId): OperationSpec {
  const operation = OPERATIONS.find((o) => o.operationId === operationId);
  if (!operation) throw new Error(`unknown operation ${operationId}`);
  return operation;
}

/** Validates a request body against its operation's request schema; [] when valid. */
export function validateRequest(operationId: OperationId, body: unknown): SchemaError[] {
  const operation = operationById(operationId);
  if (!operation.request) return body === undefined ? [] : [{ path: '/', message: 'this operation takes no body' }];
  return run(`${operationId}__request`, body);
}

/**
 * Validates a response body against the schema of its operation and status (or `default`).
 * Bodiless statuses (204) must have no body.
 */
export function validateResponse(operationId: OperationId, status: number, body: unknown): SchemaError[] {
  const operation = operationById(operationId);
  const key = String(status) in operation.responses ? String(status) : 'default';
  if (!(key in operation.responses)) return [{ path: '', message: `status ${status} is not documented for ${operationId}` }];
  const schema = operation.responses[key];
  if (schema === null) {
    return body === undefined || body === '' ? [] : [{ path: '/', message: `status ${status} has no body in the contract` }];
  }
  return run(`${operationId}__${key}`, body);
}
