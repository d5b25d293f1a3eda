/**
 * Which of the account's firewalls an import takes: those named (`--firewall`), or every one (`--all`)
 * but the firewalls DigitalOcean Kubernetes makes for its clusters (`k8s-…`, taken only when named) and
 * those a policy already manages (`fwc-…`).
 */
import type { LiveFirewall } from '../plan/index.js';
import { isKubernetesFirewall } from '../check/index.js';
import { MANAGED_PREFIX } from '../model/index.js';

export interface Selection {
  readonly chosen: readonly LiveFirewall[];
  /** Firewalls left in place, and why (for the summary and the file's header). */
  readonly skipped: readonly { readonly name: string; readonly why: string }[];
  /** Names asked for that match no firewall, or several. */
  readonly problems: readonly string[];
}

/** How many of the account's firewalls a "no firewall named" problem lists, as a hint, before `…`. */
const NAMES_LISTED = 8;

export function selectFirewalls(firewalls: readonly LiveFirewall[], names: readonly string[], all: boolean): Selection {
  const chosen: LiveFirewall[] = [];
  const skipped: { name: string; why: string }[] = [];
  const problems: string[] = [];
  const lower = (s: string) => s.toLowerCase();
  for (const name of names) {
    const found = firewalls.filter((f) => lower(f.name) === lower(name));
    if (found.length === 0) problems.push(`no firewall named \`${name}\` in the account${firewalls.length > 0 ? ` (it has ${firewalls.slice(0, NAMES_LISTED).map((f) => f.name).join(', ')}${firewalls.length > NAMES_LISTED ? ', …' : ''})` : ''}`);
    else if (found.length > 1) problems.push(`${found.length} firewalls are named \`${name}\` (${found.map((f) => f.id).join(', ')}): rename all but one in DigitalOcean, since the policy will replace it`);
    else if (!chosen.includes(found[0]!)) chosen.push(found[0]!);
  }
  if (all) {
    for (const fw of firewalls) {
      if (chosen.includes(fw)) continue;
      if (isKubernetesFirewall(fw.name)) skipped.push({ name: fw.name, why: 'made by DigitalOcean Kubernetes for its cluster; name it with --firewall to import its rules' });
      else if (lower(fw.name).startsWith(MANAGED_PREFIX)) skipped.push({ name: fw.name, why: 'named like a firewall fwc manages for a policy' });
      else if (firewalls.filter((f) => lower(f.name) === lower(fw.name)).length > 1) problems.push(`${firewalls.filter((f) => lower(f.name) === lower(fw.name)).length} firewalls are named \`${fw.name}\`: rename all but one in DigitalOcean, since the policy will replace it`);
      else chosen.push(fw);
    }
  }
  chosen.sort((a, b) => (lower(a.name) < lower(b.name) ? -1 : lower(a.name) > lower(b.name) ? 1 : 0));
  return { chosen, skipped, problems: [...new Set(problems)] };
}
