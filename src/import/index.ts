/**
 * The public face of import/: `fwc import`, an account or a Terraform state to a proven policy.
 */
export { importFirewalls } from './import.js';
export { asName } from './names.js';
export { accountFromState, readState, terraformFirewalls } from './terraform.js';
