/**
 * The public face of api/: the OpenAPI contract, its generated types, validators and operation table.
 * Imports nothing of fwc.
 */
export { OPERATIONS, findOperation, operationById, validateRequest, validateResponse } from './schema.js';
export type { OperationId, OperationSpec, SchemaError } from './schema.js';
export type {
  ApiDatabaseCluster,
  ApiDatabaseRule,
  ApiDroplet,
  ApiFirewall,
  ApiInboundRule,
  ApiKubernetesCluster,
  ApiLoadBalancer,
  ApiNetworkV4,
  ApiNetworkV6,
  ApiOutboundRule,
  ApiRegion,
  ApiRuleBase,
  ApiTarget,
  ApiVpc,
} from './schema.js';
