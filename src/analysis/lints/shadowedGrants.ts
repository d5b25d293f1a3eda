/**
 * Duplicate and shadowed statements: every rule a grant (or guardrail) compiles to is already produced
 * by other statements — the same statement twice, a tag beside its group, an address inside a wider one,
 * any source beside `anyone`. The later statement is reported, naming the ones that cover it.
 *
 *     app may reach db on postgres
 *     web may reach db on postgres     # FW405 when app = web, api
 */
import type { Grant, Policy } from '../../check/index.js';
import { grantEffects, type TaggedRule } from '../../compile/index.js';
import { networkOf, type Peer, peerKey, portsFrom, portsTo } from '../../model/index.js';
import type { LintContext } from './context.js';

/** A statement's port interval in one cell. */
interface Entry {
  readonly from: number;
  readonly to: number;
  readonly grant: number;
}

type AddressPeer = Extract<Peer, { kind: 'address' }>;

/** Address blocks present in one shape, by `family/prefix` and network. */
interface Blocks {
  readonly byPrefix: Map<string, Map<bigint, AddressPeer>>;
  /** The `family/prefix` keys present, with their numbers. */
  readonly prefixes: Map<string, { readonly family: number; readonly prefix: number }>;
}

/**
 * Every statement's rules, in cells of the same tag, direction, protocol, action and peer (entries sorted
 * by first port), and the address blocks of each shape, to find the wider blocks that contain an address
 * without scanning them all.
 */
interface RuleIndex {
  readonly effects: Map<number, readonly TaggedRule[]>;
  /** Cells by tag (lower case), then peer key, then shape (shapeOf): no string is built per rule. */
  readonly cells: Map<string, Map<string, (Entry[] | undefined)[]>>;
  readonly blocks: Map<string, Blocks>;
  readonly lowerTags: Map<string, string>;
}

/** A tag in lower case, each spelling lowered once per lint. */
function lowerTag(index: RuleIndex, tag: string): string {
  let lower = index.lowerTags.get(tag);
  if (lower === undefined) index.lowerTags.set(tag, (lower = tag.toLowerCase()));
  return lower;
}
/** Direction × protocol × action as a small number. */
const shapeOf = (r: TaggedRule['rule']) => (r.direction === 'inbound' ? 0 : 6) + (r.protocol === 'tcp' ? 0 : r.protocol === 'udp' ? 2 : 4) + (r.action === 'allow' ? 0 : 1);
const shapeKey = (index: RuleIndex, t: TaggedRule) => `${lowerTag(index, t.tag)} ${shapeOf(t.rule)}`;

/** The entries of `t`'s tag and shape for `peer`; made when `create`. */
function cellOf(index: RuleIndex, t: TaggedRule, peer: Peer, create: boolean): Entry[] | undefined {
  const tag = lowerTag(index, t.tag);
  let byPeer = index.cells.get(tag);
  if (!byPeer) {
    if (!create) return undefined;
    index.cells.set(tag, (byPeer = new Map()));
  }
  const key = peerKey(peer);
  let shapes = byPeer.get(key);
  if (!shapes) {
    if (!create) return undefined;
    byPeer.set(key, (shapes = []));
  }
  const shape = shapeOf(t.rule);
  let list = shapes[shape];
  if (!list && create) shapes[shape] = list = [];
  return list;
}

function indexRules(policy: Policy, statements: readonly Grant[]): RuleIndex {
  const index: RuleIndex = { effects: new Map(), cells: new Map(), blocks: new Map(), lowerTags: new Map() };
  for (const g of statements) {
    const rules = grantEffects(policy, g).rules;
    index.effects.set(g.index, rules);
    for (const t of rules) {
      cellOf(index, t, t.rule.peer, true)!.push({ from: portsFrom(t.rule.ports), to: portsTo(t.rule.ports), grant: g.index });
      if (t.rule.peer.kind !== 'address') continue;
      const shape = shapeKey(index, t);
      let m = index.blocks.get(shape);
      if (!m) index.blocks.set(shape, (m = { byPrefix: new Map(), prefixes: new Map() }));
      const { cidr } = t.rule.peer;
      const prefixKey = `${cidr.family}/${cidr.prefix}`;
      if (!m.prefixes.has(prefixKey)) m.prefixes.set(prefixKey, { family: cidr.family, prefix: cidr.prefix });
      let byNetwork = m.byPrefix.get(prefixKey);
      if (!byNetwork) m.byPrefix.set(prefixKey, (byNetwork = new Map()));
      byNetwork.set(cidr.network, t.rule.peer);
    }
  }
  for (const byPeer of index.cells.values()) for (const shapes of byPeer.values()) for (const list of shapes) list?.sort((a, b) => a.from - b.from);
  return index;
}

/**
 * Whether `peer`'s cell of `t`'s tag and shape covers ports [from, to] with the rules of statements other
 * than `self` and those removed; the statements it takes are pushed to `used`. Entries are sorted by first
 * port, so one walk from the lowest does it.
 */
function cellCovers(index: RuleIndex, t: TaggedRule, peer: Peer, from: number, to: number, self: number, removed: ReadonlySet<number>, used: number[]): boolean {
  let reach = from - 1;
  for (const e of cellOf(index, t, peer, false) ?? []) {
    if (e.grant === self || removed.has(e.grant)) continue;
    if (e.from > reach + 1) break;
    if (e.to > reach) {
      reach = e.to;
      used.push(e.grant);
    }
    if (reach >= to) break;
  }
  return reach >= to;
}

/** The statements one attempt takes; reused, since the lint asks once for every rule of every statement. */
const USED: number[] = [];

/**
 * Whether other statements' rules admit all of `t`'s traffic, and if so which (added to `into`): those of
 * its own peer; else of a wider block holding its address; else, for droplet-like peers, of the whole
 * internet (a droplet's addresses are inside 0.0.0.0/0 and ::/0), both families together.
 */
function coveredBy(index: RuleIndex, t: TaggedRule, self: number, removed: ReadonlySet<number>, into: Set<number>): boolean {
  const from = portsFrom(t.rule.ports);
  const to = portsTo(t.rule.ports);
  const take = () => {
    for (const g of USED) into.add(g);
    return true;
  };
  USED.length = 0;
  if (cellCovers(index, t, t.rule.peer, from, to, self, removed, USED)) return take();
  const shapeBlocks = index.blocks.get(shapeKey(index, t));
  if (!shapeBlocks) return false;
  if (t.rule.peer.kind === 'address') {
    const inner = t.rule.peer.cidr;
    for (const [key, { family, prefix }] of shapeBlocks.prefixes) {
      if (family !== inner.family || prefix >= inner.prefix) continue;
      const outer = shapeBlocks.byPrefix.get(key)?.get(networkOf(inner, prefix));
      USED.length = 0;
      if (outer && cellCovers(index, t, outer, from, to, self, removed, USED)) return take();
    }
    return false;
  }
  const v4 = shapeBlocks.byPrefix.get('4/0')?.get(0n);
  const v6 = shapeBlocks.byPrefix.get('6/0')?.get(0n);
  USED.length = 0;
  return v4 !== undefined && v6 !== undefined && cellCovers(index, t, v4, from, to, self, removed, USED) && cellCovers(index, t, v6, from, to, self, removed, USED) && take();
}

/** The statements that together produce every rule of `g`, or null when some rule is its own. */
function coveringStatements(index: RuleIndex, g: Grant, removed: ReadonlySet<number>): Set<number> | null {
  const rules = index.effects.get(g.index) ?? [];
  if (rules.length === 0) return null;
  const covering = new Set<number>();
  for (const t of rules) if (!coveredBy(index, t, g.index, removed, covering)) return null;
  return covering;
}

export function shadowedGrants(ctx: LintContext): void {
  const { policy } = ctx;
  const statements = [...policy.grants, ...policy.guardrails].filter((g) => !g.expired).sort((a, b) => a.index - b.index);
  const index = indexRules(policy, statements);
  const byIndex = new Map<number, Grant>(statements.map((g) => [g.index, g]));
  const text = (x: Grant) => policy.file.text.slice(x.statement.span.start, x.statement.span.end);
  // From the last statement up, so that of two duplicates the later one is reported, and the earlier one
  // is not then reported as covered by a statement already taken out.
  const removed = new Set<number>();
  for (const g of [...statements].reverse()) {
    const covering = coveringStatements(index, g, removed);
    if (!covering) continue;
    removed.add(g.index);
    const lines = [...covering].map((i) => byIndex.get(i)!.line).sort((a, b) => a - b);
    const only = covering.size === 1 ? byIndex.get([...covering][0]!) : undefined;
    const identical = only !== undefined && text(only) === text(g);
    const what = g.effect === 'allow' ? 'grant' : 'guardrail';
    ctx.report('shadowed', {
      message: identical ? `this ${what} repeats line ${lines[0]}` : `every rule of this ${what} is already produced by line${lines.length > 1 ? 's' : ''} ${lines.join(', ')}`,
      file: policy.file,
      span: g.statement.span,
      label: identical ? 'duplicate' : 'fully covered',
      help: ['remove it, or keep it on purpose if it documents intent'],
    });
  }
}
