/**
 * Duplicate and shadowed statements: every rule a grant (or guardrail) compiles to is already produced
 * by other statements — the same statement twice, a tag beside its group, an address inside a wider one,
 * any source beside `anyone`. The later statement is reported, naming the ones that cover it.
 *
 *     app may reach db on postgres
 *     web may reach db on postgres     # FW405 when app = web, api
 */
import type { Grant, Policy } from '../../check/index.js';
import { networkOf } from '../../model/index.js';
import { grantEffects, type TaggedRule } from '../../compile/index.js';
import { peerKey, portsFrom, portsTo } from '../../model/index.js';
import type { Peer } from '../../model/index.js';
import { diagnostic, type Diagnostic } from '../../diagnostics/index.js';

interface Entry {
  readonly from: number;
  readonly to: number;
  readonly grant: number;
}

function cellKey(t: TaggedRule, peer: Peer): string {
  const r = t.rule;
  return `${t.tag.toLowerCase()} ${r.direction} ${r.protocol} ${r.action} ${peerKey(peer)}`;
}

export function checkShadowedGrants(policy: Policy): Diagnostic[] {
  const statements = [...policy.grants, ...policy.guardrails].filter((g) => !g.expired).sort((a, b) => a.index - b.index);
  const effects = new Map<number, readonly TaggedRule[]>();
  const cells = new Map<string, Entry[]>();
  // Address blocks present per shape, by family/prefix and network, to find the wider blocks that
  // contain an address without scanning them all.
  type AddressPeer = Extract<Peer, { kind: 'address' }>;
  const blocks = new Map<string, { byPrefix: Map<string, Map<bigint, AddressPeer>>; prefixes: Set<string> }>();
  for (const g of statements) {
    const rules = grantEffects(policy, g).rules;
    effects.set(g.index, rules);
    for (const t of rules) {
      const key = cellKey(t, t.rule.peer);
      let list = cells.get(key);
      if (!list) cells.set(key, (list = []));
      list.push({ from: portsFrom(t.rule.ports), to: portsTo(t.rule.ports), grant: g.index });
      if (t.rule.peer.kind === 'address') {
        const shape = `${t.tag.toLowerCase()} ${t.rule.direction} ${t.rule.protocol} ${t.rule.action}`;
        let m = blocks.get(shape);
        if (!m) blocks.set(shape, (m = { byPrefix: new Map(), prefixes: new Set() }));
        const { cidr } = t.rule.peer;
        const key = `${cidr.family}/${cidr.prefix}`;
        m.prefixes.add(key);
        let byNetwork = m.byPrefix.get(key);
        if (!byNetwork) m.byPrefix.set(key, (byNetwork = new Map()));
        byNetwork.set(cidr.network, t.rule.peer);
      }
    }
  }

  for (const list of cells.values()) list.sort((a, b) => a.from - b.from);
  const removed = new Set<number>();
  const coveredBy = (t: TaggedRule, self: number): Set<number> | null => {
    const from = portsFrom(t.rule.ports);
    const to = portsTo(t.rule.ports);
    const shape = `${t.tag.toLowerCase()} ${t.rule.direction} ${t.rule.protocol} ${t.rule.action}`;
    // The peers whose rules also admit this one's traffic: itself, wider blocks, and for droplet-like
    // peers the whole internet (a droplet's addresses are inside 0.0.0.0/0 and ::/0).
    const peerSets: Peer[][] = [[t.rule.peer]];
    const shapeBlocks = blocks.get(shape);
    if (shapeBlocks && t.rule.peer.kind === 'address') {
      const inner = t.rule.peer.cidr;
      for (const key of shapeBlocks.prefixes) {
        const [family, prefix] = key.split('/').map(Number) as [number, number];
        if (family !== inner.family || prefix >= inner.prefix) continue;
        const outer = shapeBlocks.byPrefix.get(key)?.get(networkOf(inner, prefix));
        if (outer) peerSets.push([outer]);
      }
    } else if (shapeBlocks) {
      const v4 = shapeBlocks.byPrefix.get('4/0')?.get(0n);
      const v6 = shapeBlocks.byPrefix.get('6/0')?.get(0n);
      if (v4 && v6) peerSets.push([v4, v6]);
    }
    for (const peers of peerSets) {
      const by = new Set<number>();
      let ok = true;
      for (const peer of peers) {
        // Entries are sorted by first port once (below); walk them, skipping this statement and removed ones.
        let reach = from - 1;
        for (const e of cells.get(cellKey(t, peer)) ?? []) {
          if (e.grant === self || removed.has(e.grant)) continue;
          if (e.from > reach + 1) break;
          if (e.to > reach) {
            reach = e.to;
            by.add(e.grant);
          }
          if (reach >= to) break;
        }
        if (reach < to) {
          ok = false;
          break;
        }
      }
      if (ok) return by;
    }
    return null;
  };

  const out: Diagnostic[] = [];
  const byIndex = new Map<number, Grant>(statements.map((g) => [g.index, g]));
  for (const g of [...statements].reverse()) {
    const rules = effects.get(g.index) ?? [];
    if (rules.length === 0) continue;
    const covering = new Set<number>();
    let shadowed = true;
    for (const t of rules) {
      const by = coveredBy(t, g.index);
      if (!by) {
        shadowed = false;
        break;
      }
      for (const i of by) covering.add(i);
    }
    if (!shadowed) continue;
    removed.add(g.index);
    const lines = [...covering].map((i) => byIndex.get(i)!.line).sort((a, b) => a - b);
    const text = (x: Grant) => policy.file.text.slice(x.statement.span.start, x.statement.span.end);
    const only = covering.size === 1 ? byIndex.get([...covering][0]!) : undefined;
    const identical = only !== undefined && text(only) === text(g);
    out.push(
      diagnostic('shadowed', {
        message: identical
          ? `this ${g.effect === 'allow' ? 'grant' : 'guardrail'} repeats line ${lines[0]}`
          : `every rule of this ${g.effect === 'allow' ? 'grant' : 'guardrail'} is already produced by line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`,
        file: policy.file,
        span: g.statement.span,
        label: identical ? 'duplicate' : 'fully covered',
        help: ['remove it, or keep it on purpose if it documents intent'],
      }),
    );
  }
  return out;
}
