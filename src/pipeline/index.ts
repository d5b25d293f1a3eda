/**
 * The public face of pipeline/: the offline pipeline over a set of policy files (`buildPolicies`).
 */
export { buildPolicies } from './build.js';
export type { BuildResult, BuiltPolicy } from './build.js';
export { startAnalysesAside } from './buildThread.js';
export type { AnalysesAside } from './buildThread.js';
export { useWorkers } from './workers.js';
export type { WorkerFiles } from './workers.js';
