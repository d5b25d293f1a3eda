/**
 * The gap-free promise of `fwc apply`, checked on what the account really went through: the emulator
 * hands over a copy of its state after every mutating request, and every one of those states must allow
 * each flow that both the old and the new version allow, and nothing that neither allows — firewalls
 * and database trusted sources alike. The old and new versions are the states before and after the
 * apply; the test that uses this also checks that the state after is what the policy compiles to (a
 * fresh plan is clean), so "after" cannot drift from the policy unnoticed.
 */
import { Network, type DatabaseAccess, type Host } from '../../src/analysis/network.js';
import { covers, FULL, intersect, isEmpty, subtract, union } from '../../src/analysis/serviceSet.js';
import type { Firewall, TrustedSource } from '../../src/model/firewall.js';
import { firewallFromApi, type ApiRuleLike } from '../../src/digitalocean/fromApi.js';
import type { EmulatorStateSnapshot } from '../../src/emulator/state.js';

/** The emulator's stored firewalls, read as fwc reads an API answer. */
export function firewallsOf(state: EmulatorStateSnapshot): Firewall[] {
  const api = (rules: EmulatorStateSnapshot['firewalls'][number]['inbound'], key: 'sources' | 'destinations'): ApiRuleLike[] =>
    rules.map((r) => ({ protocol: r.protocol, ports: r.ports, ...(r.action ? { action: r.action } : {}), [key]: r.targets }) as ApiRuleLike);
  return state.firewalls.map((fw) => {
    const read = firewallFromApi({ id: fw.id, name: fw.name, tags: fw.tags, droplet_ids: fw.droplet_ids, inbound_rules: api(fw.inbound, 'sources'), outbound_rules: api(fw.outbound, 'destinations') });
    return { ...read.firewall, name: read.name, tags: read.tags, dropletIds: read.dropletIds };
  });
}

/** The emulator's database trusted sources, as the analysis reads them. */
export function databasesOf(state: EmulatorStateSnapshot): DatabaseAccess[] {
  return state.databases.map((d) => ({
    name: d.name,
    sources: d.rules.filter((r) => r.type !== 'app').map((r) => ({ type: r.type, value: r.value }) as TrustedSource),
  }));
}

export const networkOf = (state: EmulatorStateSnapshot): Network => new Network(firewallsOf(state), databasesOf(state));

/** The flows where `mid` breaks the promise: cuts what old and new both allow, or allows what neither does. */
export function gaps(oldNet: Network, newNet: Network, mid: Network, hosts: readonly Host[]): string[] {
  const problems: string[] = [];
  for (const src of hosts) {
    if (src.kind === 'database') continue;
    for (const dst of hosts) {
      if (src === dst) continue;
      const before = oldNet.allowed(src, dst);
      const after = newNet.allowed(src, dst);
      const now = mid.allowed(src, dst);
      if (!covers(now, intersect(before, after))) problems.push(`cut: ${src.label} → ${dst.label}`);
      if (!isEmpty(intersect(now, subtract(FULL, union(before, after))))) problems.push(`opened: ${src.label} → ${dst.label}`);
    }
  }
  return problems;
}

export interface RecordedState {
  readonly state: EmulatorStateSnapshot;
  /** `POST /v2/firewalls/…/rules`: the request after which the state was taken. */
  readonly request: string;
}

/** Every recorded state that breaks the promise, as `after change 3 (DELETE …): cut: …`. */
export function recordedGaps(before: EmulatorStateSnapshot, after: EmulatorStateSnapshot, states: readonly RecordedState[], hosts: readonly Host[]): string[] {
  const oldNet = networkOf(before);
  const newNet = networkOf(after);
  const out: string[] = [];
  for (const [i, { state, request }] of states.entries()) {
    for (const p of gaps(oldNet, newNet, networkOf(state), hosts)) out.push(`after change ${i + 1} (${request}): ${p}`);
  }
  return out;
}
