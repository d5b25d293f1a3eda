/**
 * The names of the firewalls fwc manages: `fwc-<policy>-<tag>`, and `-2`, `-3`… for extra shards of the
 * same tag. NOTE: DigitalOcean firewall names match `^[a-zA-Z0-9][a-zA-Z0-9.-]+$` and reject `_`, spaces
 * and `:` (github.com/digitalocean/api-v2/issues/188), so every other character becomes `-`.
 */

export const MANAGED_PREFIX = 'fwc-';

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, '-');
}

/** The name of a tag's firewall; shard 1 has no suffix. */
export function firewallName(policy: string, tag: string, shard = 1): string {
  return `${MANAGED_PREFIX}${slug(policy)}-${slug(tag)}${shard > 1 ? `-${shard}` : ''}`;
}

/** The prefix every firewall of a policy starts with (`fwc-shop-`). */
export function policyPrefix(policy: string): string {
  return `${MANAGED_PREFIX}${slug(policy)}-`;
}

/**
 * The name of a bridge firewall: a temporary allow-all firewall fwc puts on droplets that go from no
 * firewall to several (or back) during an apply, so that no moment cuts what both versions allow.
 * NOTE: tag and policy names cannot hold `.`, so this name can never be a tag firewall's.
 */
export function bridgeName(policy: string, n = 1): string {
  return `${MANAGED_PREFIX}${slug(policy)}.bridge${n > 1 ? `-${n}` : ''}`;
}

export function isBridgeName(policy: string, name: string): boolean {
  const base = bridgeName(policy).toLowerCase();
  const lower = name.toLowerCase();
  return lower === base || (lower.startsWith(`${base}-`) && /^[1-9][0-9]*$/.test(lower.slice(base.length + 1)));
}

/**
 * Whether a live firewall belongs to `policy`: its name must be exactly the name fwc would give the
 * firewall of its (single) tag, or a shard of it. A name alone is not enough: `fwc-shop-eu-web` could be
 * policy `shop`'s firewall for tag `eu-web` or policy `shop-eu`'s for tag `web`; the tag decides.
 */
export function ownsFirewall(policy: string, name: string, tags: readonly string[]): boolean {
  if (isBridgeName(policy, name)) return true;
  if (!name.startsWith(policyPrefix(policy)) || tags.length !== 1) return false;
  const base = firewallName(policy, tags[0]!);
  if (name.toLowerCase() === base.toLowerCase()) return true;
  const rest = name.slice(base.length);
  return name.toLowerCase().startsWith(base.toLowerCase()) && /^-[2-9]$|^-[1-9][0-9]+$/.test(rest);
}

/**
 * Whether a live firewall with no tags is one of the droplet-set firewalls fwc wants (`desiredSetNames`:
 * the names of the desired firewalls that apply by droplet id), or a further shard of one. A firewall
 * has no label but its name, and `fwc-shop-eu-web` could be policy `shop`'s set `eu-web` or policy
 * `shop-eu`'s set `web`: only a set the policies declare claims a tag-less firewall, so one that is no
 * longer declared is left alone (plan names it in a warning).
 */
export function ownsSetFirewall(name: string, tags: readonly string[], desiredSetNames: readonly string[]): boolean {
  if (tags.length > 0) return false;
  const lower = name.toLowerCase();
  return desiredSetNames.some((base) => {
    const b = base.toLowerCase();
    return lower === b || (lower.startsWith(b) && /^-[2-9]$|^-[1-9][0-9]+$/.test(lower.slice(b.length)));
  });
}
