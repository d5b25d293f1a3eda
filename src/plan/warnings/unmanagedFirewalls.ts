/**
 * FW716, FW717, FW718: firewalls fwc does not manage that widen or narrow what the policy says, on the
 * policy's droplets. One warning per firewall set, destination and services, naming every source it
 * concerns; after UNMANAGED_WARNINGS of them, one line counts the rest.
 *
 * Judging every pair of hosts would be droplets²; only a rule of an unmanaged firewall that names the
 * other end can widen or narrow the policy, so the pairs are found from the peers those rules name.
 */
import { describe, difference, type Host, isEmpty, type Network, sameBits, sample } from '../../analysis/index.js';
import { type Firewall, type Rule, ruleHolds } from '../../model/index.js';
import { HostIndex } from '../changedPairs.js';
import type { PlanContext } from './context.js';

/** How many widening or narrowing destinations a plan lists one by one. */
const UNMANAGED_WARNINGS = 40;
/** How many firewalls the line that counts the rest names. */
const NAMED_FIREWALLS = 5;
/** How many sources a warning names before it says "and N more". */
const NAMED_SOURCES = 3;

interface Finding {
  readonly widens: boolean;
  readonly names: readonly string[];
  readonly dst: Host;
  readonly services: string;
  readonly sources: string[];
}

type Direction = 'inbound' | 'outbound';

/** The hosts the rule judges (databases only receive through trusted sources), with what it asks of each. */
interface Judged {
  readonly hosts: readonly Host[];
  readonly governed: readonly boolean[];
  readonly unmanagedOn: readonly (readonly Firewall[])[];
  readonly fixed: Record<Direction, readonly boolean[]>;
}

function judgedHosts(ctx: PlanContext): Judged {
  const { built, desired, hosts: all, newNet, unmanaged } = ctx.input;
  const policyTags = new Set(built.flatMap((b) => b.policy.tags.map((t) => t.name.toLowerCase())));
  const setDroplets = new Set(desired.firewalls.filter((f) => f.set).flatMap((f) => f.dropletIds));
  const governed = (h: Host) =>
    h.kind === 'droplet' && (h.tags.some((t) => policyTags.has(t.toLowerCase())) || (h.dropletId !== undefined && h.key.includes('#') && setDroplets.has(h.dropletId)));
  const unmanagedNames = new Set(unmanaged.map((u) => u.name));
  const hosts = all.filter((h) => h.kind !== 'database');
  const unmanagedOn = hosts.map((h) => newNet.firewallsOf(h).filter((f) => unmanagedNames.has(f.name)));
  const fixed = (direction: Direction) => hosts.map((h, i) => fixedSide(ctx, h, unmanagedOn[i]!, direction));
  return { hosts, governed: hosts.map(governed), unmanagedOn, fixed: { inbound: fixed('inbound'), outbound: fixed('outbound') } };
}

/**
 * A side no unmanaged firewall can change for a peer with an address: none there; or they deny nothing
 * there and the policy's own firewalls either open it to every address (open egress) or hold whole every
 * rule they allow (an unmanaged `tcp 443 to anyone` beside a policy that grants the same).
 */
function fixedSide(ctx: PlanContext, h: Host, unmanaged: readonly Firewall[], direction: Direction): boolean {
  if (unmanaged.length === 0) return true;
  const policyOnly = ctx.desiredOnly;
  if (ctx.input.newNet.deniesOn(unmanaged, direction) || policyOnly.firewallsOf(h).length === 0) return false;
  if (policyOnly.allowsEverything(h, direction)) return true;
  const mine = policyOnly.firewallsOf(h).flatMap((f) => f.rules.filter((r) => r.direction === direction && r.action === 'allow'));
  return unmanaged.every((fw) => fw.rules.every((r) => r.direction !== direction || mine.some((d) => ruleHolds(d, r))));
}

/**
 * The pairs to judge, as destinations by source index: src → dst for a rule on dst's inbound side naming
 * src, or on src's outbound side naming dst. On a fixed side only a peer with no address can be touched.
 */
function candidatePairs(j: Judged): Set<number>[] {
  const index = new HostIndex(j.hosts);
  const position = new Map(j.hosts.map((h, k) => [h, k]));
  const candidates = j.hosts.map(() => new Set<number>());
  j.hosts.forEach((_, k) => {
    for (const fw of j.unmanagedOn[k]!) {
      for (const r of fw.rules) {
        const fixed = j.fixed[r.direction][k]!;
        for (const other of index.matching(r.peer)) {
          if (fixed && other.addresses.length > 0) continue;
          const o = position.get(other)!;
          if (r.direction === 'inbound') candidates[o]!.add(k);
          else candidates[k]!.add(o);
        }
      }
    }
  });
  return candidates;
}

/**
 * The unmanaged firewalls whose rules of `action` hold one flow of the pair: on dst's inbound side (rules
 * naming src), then on src's outbound side (rules naming dst) — what `explain` would list, asked of these
 * firewalls alone rather than of every firewall on both droplets.
 */
function causes(net: Network, onDst: readonly Firewall[], onSrc: readonly Firewall[], src: Host, dst: Host, flow: { protocol: Rule['protocol']; port: number | null }, action: Rule['action']): string[] {
  const rules = [...net.rulesHolding(onDst, 'inbound', action, src, flow.protocol, flow.port), ...net.rulesHolding(onSrc, 'outbound', action, dst, flow.protocol, flow.port)];
  return [...new Set(rules.map((r) => r.firewall))];
}

/** Judges the candidate pairs: where the policy alone and every firewall differ, and which unmanaged ones make it so. */
function findDifferences(ctx: PlanContext, j: Judged, candidates: readonly Set<number>[]): Finding[] {
  const { newNet } = ctx.input;
  const policyBits = new Uint32Array(newNet.atoms.words);
  const reallyBits = new Uint32Array(newNet.atoms.words);
  const found = new Map<string, Finding>();
  j.hosts.forEach((src, i) => {
    [...candidates[i]!].sort((a, b) => a - b).forEach((k) => {
      const dst = j.hosts[k]!;
      if (!j.governed[k] && !j.governed[i]) return;
      ctx.desiredOnly.allowedBits(src, dst, policyBits);
      newNet.allowedBits(src, dst, reallyBits);
      if (sameBits(policyBits, reallyBits)) return;
      const wider = newNet.atoms.toServiceSet(difference(reallyBits, policyBits));
      const narrower = newNet.atoms.toServiceSet(difference(policyBits, reallyBits));
      for (const [set, widens] of [[wider, true], [narrower, false]] as const) {
        if (isEmpty(set)) continue;
        const names = causes(newNet, j.unmanagedOn[k]!, j.unmanagedOn[i]!, src, dst, sample(set)!, widens ? 'allow' : 'deny');
        if (names.length === 0) continue;
        const services = describe(set);
        const key = `${widens}:${names.join(',')}:${dst.key}:${services}`;
        const entry = found.get(key) ?? { widens, names, dst, services, sources: [] };
        entry.sources.push(src.label);
        found.set(key, entry);
      }
    });
  });
  return [...found.values()];
}

export function unmanagedFirewalls(ctx: PlanContext): void {
  const judged = judgedHosts(ctx);
  const entries = findDifferences(ctx, judged, candidatePairs(judged));
  for (const { widens, names, dst, services, sources } of entries.slice(0, UNMANAGED_WARNINGS)) {
    const who = sources.length > NAMED_SOURCES + 1 ? `${sources.slice(0, NAMED_SOURCES).join(', ')} and ${sources.length - NAMED_SOURCES} more` : sources.join(', ');
    if (widens) {
      ctx.report('unmanagedAllows', { message: `unmanaged firewall ${names.join(', ')} lets ${who} reach ${dst.label} on ${services}, which the policy does not grant` });
    } else {
      ctx.report('unmanagedDenies', { message: `unmanaged firewall ${names.join(', ')} denies ${who} → ${dst.label} on ${services}, which the policy grants` });
    }
  }
  if (entries.length > UNMANAGED_WARNINGS) {
    const firewalls = [...new Set(entries.slice(UNMANAGED_WARNINGS).flatMap((e) => e.names))];
    ctx.report('unmanagedMore', {
      message: `and ${entries.length - UNMANAGED_WARNINGS} more destinations where unmanaged firewalls (${firewalls.slice(0, NAMED_FIREWALLS).join(', ')}${firewalls.length > NAMED_FIREWALLS ? ', …' : ''}) allow or deny beyond the policy`,
    });
  }
}
