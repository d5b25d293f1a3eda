/**
 * Keywords, and which of them may still be names (README and docs/language.md, "Keywords").
 *
 * Keywords are contextual: the grammar tries a keyword's form first and reads the word as a name where
 * that form does not follow (`cluster "k8s"` is a cluster, `cluster may reach db` a tag named cluster), so
 * most keywords are valid bare names. Two kinds stay reserved, because a statement with them as names
 * would read two ways, or a statement with a part missing would silently read as a different one:
 * - the words that give rules and expectations their shape, and `anyone`, which is itself an endpoint:
 *   `web may reach on on http` would be a rule about a tag `on`, and `web may reach on http` (destination
 *   forgotten) would then fail far from the mistake;
 * - `tcp`, `udp`, `icmp` and `all` as service names: after `on` they are protocols.
 */

/** Every word the grammar gives a meaning to. */
export const KEYWORDS: ReadonlySet<string> = new Set(
  (
    'policy tags droplets group addresses service may must not reach on egress from is restricted open expect can ' +
    'cannot until anyone load-balancer cluster droplet database tag vpc replaces firewall tcp udp icmp all'
  ).split(' '),
);

/** Keywords that are never bare names. */
export const RESERVED: ReadonlySet<string> = new Set('anyone may must not reach on until can cannot from is'.split(' '));

/** Keywords that are not bare service names (declared or referred to after `on`). */
export const RESERVED_AS_SERVICE: ReadonlySet<string> = new Set([...RESERVED, 'tcp', 'udp', 'icmp', 'all']);

/** Whether a bare `word` cannot stand for a name where a name of this kind is read. */
export function isReserved(word: string, position: 'name' | 'service'): boolean {
  return (position === 'service' ? RESERVED_AS_SERVICE : RESERVED).has(word);
}
