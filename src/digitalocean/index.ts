/**
 * The public face of digitalocean/: the API client, reading an account, and applying a plan.
 */
export type { ApplyProgress } from './apply.js';
export { applyPlan } from './applyPlan.js';
export type { ApplyOutcome } from './applyPlan.js';
export { DigitalOceanClient } from './client.js';
export type { ClientEvent } from './client.js';
export { ConfigError, apiBaseUrl, apiToken, retrySettings } from './config.js';
export { ApiError } from './errors.js';
export { firewallFromApi } from './fromApi.js';
export type { ApiRuleLike, ApiTargetLike, ReadFirewall } from './fromApi.js';
export { readAccount } from './read.js';
export type { ReadAccount } from './read.js';
