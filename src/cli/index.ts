/**
 * The public face of cli/: what the language server shares with the command line.
 */
export { listPolicyPaths } from './readPolicies.js';
