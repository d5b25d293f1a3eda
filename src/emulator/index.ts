/**
 * The public face of emulator/: a local DigitalOcean API — the firewall, tag, droplet, load balancer,
 * VPC, Kubernetes and database endpoints of the vendored OpenAPI description (src/api/), faithful to it
 * and to DO-API-FACTS.md — bearer tokens with scopes, DigitalOcean's error bodies and status codes,
 * validation and limits, pagination, rate limits with their headers, rule order that changes between
 * reads, `"0"` read-back, status and pending changes, state kept in a JSON file, and seeded fault
 * injection. It is the embedded default of the quick start and the partner of every API test. It imports
 * nothing of fwc but the API contract. Where each job lives: README.md.
 */
export { startEmulator } from './server.js';
export type { Emulator, EmulatorOptions } from './options.js';
export type { ContractViolation } from './contract.js';
export type { RequestLogEntry } from './requestLog.js';
export type { Behaviour } from './behaviour.js';
export type { FaultSpec } from './faults.js';
export type { RateLimitSpec } from './rateLimit.js';
export type { SeedData } from './seed.js';
export type { EmulatorStateSnapshot } from './state.js';
export { DEFAULT_TOKEN } from './auth.js';
export { parseBehaviour } from './behaviour.js';
export { ApiFailure } from './errors.js';
export { parseFaults } from './faults.js';
export { parseRateLimit } from './rateLimit.js';
export { SeedError } from './seed.js';
