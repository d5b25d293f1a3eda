/** Placeholder replaced below. */
import type { Account, LiveFirewall } from '../plan/types.js';
export function terraformFirewalls(_path: string, _account: Account): { firewalls: LiveFirewall[]; problems: string[]; notes: string[] } {
  return { firewalls: [], problems: ['--from-terraform is not built yet'], notes: [] };
}
