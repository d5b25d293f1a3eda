/**
 * The order of an apply, and its proof. Every intermediate state of the account must allow every flow
 * that both the old and the new state allow, and nothing that neither allows (ARCHITECTURE.md, "Apply
 * without a gap"). Three orders are tried, each proven before it is used. The first, "widen first":
 *
 *   1. create missing tags (nothing may refer to a tag that does not exist);
 *   2. put a bridge (an allow-all firewall) on droplets that go from no firewall to several or back,
 *      since several firewalls are created or deleted one request at a time;
 *   3. add new deny rules to existing firewalls;
 *   4. create new firewalls, add new allow rules, tags and droplets; replace firewalls whose old and new
 *      rules together would pass DigitalOcean's 50-rule limit (one PUT: old to new at once);
 *   5. replace database trusted sources (one PUT each);
 *   6. remove old allow rules, tags and droplets;
 *   7. remove old deny rules;
 *   8. delete firewalls no longer wanted, then the bridges.
 *
 * It fails where one side of a flow widens while the other narrows. Then "narrow first": the same, but
 * each firewall whose allows shrink is first narrowed to what both versions allow (the parts of its new
 * rules that its old ones allow go in, then the old ones that no new rule holds go), before anything is
 * widened. Where firewalls on the same droplets must take turns, a search builds the order step by
 * step (each rule step split by direction), taking each time the first step that is safe.
 *
 * Every step is simulated and checked with analysis/ on the flows it can change before anything is sent;
 * if no order is proven, the problem is reported and nothing is applied.
 */
import { match, P } from 'ts-pattern';
import { covers, type DatabaseAccess, type Host, intersect, Network, union } from '../analysis/index.js';
import { ALL_PORTS, ANY_IPV4, ANY_IPV6, bridgeName, type Firewall, groupRules, MAX_DROPLETS_PER_FIREWALL, MAX_RULES_PER_FIREWALL, MAX_TAGS_PER_FIREWALL, openEgressRules, peerHolds, portRange, portsFrom, portsTo, type Rule, ruleHolds, ruleKey } from '../model/index.js';
import type { DropletClass } from './hosts.js';
import type { Account, Plan } from './types.js';

export type Step =
  | { readonly kind: 'create-tag'; readonly tag: string }
  | { readonly kind: 'create-firewall'; readonly firewall: Firewall; readonly bridge: boolean }
  | { readonly kind: 'replace-firewall'; readonly id: string; readonly firewall: Firewall }
  | {
      readonly kind: 'add-rules' | 'remove-rules';
      readonly id: string;
      readonly name: string;
      readonly rules: readonly Rule[];
      /**
       * The firewall as the proof leaves it after this step. A removal keeps every stored entry that this
       * state holds (DigitalOcean may store the entries of several canonical rules in one, or one in
       * several); a change DigitalOcean refuses may be replaced by exactly this state, which was proven.
       */
      readonly after?: Firewall;
    }
  | { readonly kind: 'add-tags' | 'remove-tags'; readonly id: string; readonly name: string; readonly tags: readonly string[] }
  | { readonly kind: 'add-droplets' | 'remove-droplets'; readonly id: string; readonly name: string; readonly dropletIds: readonly number[] }
  | { readonly kind: 'replace-database'; readonly id: string; readonly name: string; readonly rules: readonly { type: string; value: string; uuid?: string }[] }
  | { readonly kind: 'delete-firewall'; readonly id: string | null; readonly name: string; readonly bridge: boolean };

export interface OrderedSteps {
  readonly steps: readonly Step[];
  /** Empty when every intermediate state was proven safe; otherwise why the plan cannot be applied. */
  readonly problems: readonly string[];
}

/** A short description of a step, for progress lines. */
export function describeStep(step: Step): string {
  // Exhaustive: a new kind of step does not compile until it is described.
  return match(step)
    .with({ kind: 'create-tag' }, (s) => `create tag ${s.tag}`)
    .with({ kind: 'create-firewall' }, (s) => `create ${s.bridge ? 'bridge ' : ''}firewall ${s.firewall.name} (${groupRules(s.firewall.rules).length} rules)`)
    .with({ kind: 'replace-firewall' }, (s) => `replace firewall ${s.firewall.name} (${groupRules(s.firewall.rules).length} rules)`)
    .with({ kind: P.union('add-rules', 'remove-rules') }, (s) => {
      // A removal of nothing fwc can read takes out the rules it cannot (applyApi.ts, removalBody).
      if (s.rules.length === 0) return `remove the rules fwc cannot read from ${s.name}`;
      const deny = s.rules.every((r) => r.action === 'deny');
      const add = s.kind === 'add-rules';
      return `${add ? 'add' : 'remove'} ${s.rules.length} ${deny ? 'deny' : 'allow'} rule${s.rules.length === 1 ? '' : 's'} ${add ? 'to' : 'from'} ${s.name}`;
    })
    .with({ kind: P.union('add-tags', 'remove-tags') }, (s) => `${s.kind === 'add-tags' ? 'add' : 'remove'} tags ${s.tags.join(', ')} ${s.kind === 'add-tags' ? 'to' : 'from'} ${s.name}`)
    .with({ kind: P.union('add-droplets', 'remove-droplets') }, (s) => `${s.kind === 'add-droplets' ? 'add' : 'remove'} droplets ${s.dropletIds.join(', ')} ${s.kind === 'add-droplets' ? 'to' : 'from'} ${s.name}`)
    .with({ kind: 'replace-database' }, (s) => `replace the trusted sources of database ${s.name} (${s.rules.length})`)
    .with({ kind: 'delete-firewall' }, (s) => `delete ${s.bridge ? 'bridge ' : ''}firewall ${s.name}`)
    .exhaustive();
}

function bridgeRules(): Rule[] {
  const inbound: Rule[] = [];
  for (const protocol of ['tcp', 'udp', 'icmp'] as const) {
    for (const cidr of [ANY_IPV4, ANY_IPV6]) inbound.push({ direction: 'inbound', protocol, ports: ALL_PORTS, peer: { kind: 'address', cidr }, action: 'allow', origins: [] });
  }
  return [...inbound, ...openEgressRules([])];
}

/** The firewalls after one step (steps on databases leave firewalls as they are). */
function applyStep(state: Map<string, Firewall>, step: Step): void {
  const key = (name: string) => name.toLowerCase();
  const edit = (name: string, f: (fw: Firewall) => Firewall) => {
    const fw = state.get(key(name));
    if (fw) state.set(key(name), f(fw));
  };
  switch (step.kind) {
    case 'create-firewall':
      state.set(key(step.firewall.name), step.firewall);
      break;
    case 'replace-firewall':
      state.set(key(step.firewall.name), step.firewall);
      break;
    case 'add-rules':
      edit(step.name, (fw) => ({ ...fw, rules: [...fw.rules, ...step.rules] }));
      break;
    case 'remove-rules': {
      const gone = new Set(step.rules.map(ruleKey));
      edit(step.name, (fw) => ({ ...fw, rules: fw.rules.filter((r) => !gone.has(ruleKey(r))) }));
      break;
    }
    case 'add-tags':
      edit(step.name, (fw) => ({ ...fw, tags: [...fw.tags, ...step.tags] }));
      break;
    case 'remove-tags': {
      const gone = new Set(step.tags.map((t) => t.toLowerCase()));
      edit(step.name, (fw) => ({ ...fw, tags: fw.tags.filter((t) => !gone.has(t.toLowerCase())) }));
      break;
    }
    case 'add-droplets':
      edit(step.name, (fw) => ({ ...fw, dropletIds: [...fw.dropletIds, ...step.dropletIds] }));
      break;
    case 'remove-droplets':
      edit(step.name, (fw) => ({ ...fw, dropletIds: fw.dropletIds.filter((id) => !step.dropletIds.includes(id)) }));
      break;
    case 'delete-firewall':
      state.delete(key(step.name));
      break;
    case 'create-tag':
    case 'replace-database':
      break;
  }
}

/** The firewalls a step touches, by name, so that only the flows it can change are re-checked. */
function touched(step: Step): string | null {
  switch (step.kind) {
    case 'create-firewall':
    case 'replace-firewall':
      return step.firewall.name;
    case 'create-tag':
    case 'replace-database':
      return null;
    default:
      return step.name;
  }
}

export interface OrderInput {
  readonly plan: Plan;
  readonly account: Account;
  /** The hosts flows are checked between (the plan's droplet classes and outside hosts). */
  readonly hosts: readonly Host[];
  /** The account's droplets grouped as the hosts group them. */
  readonly classes: readonly DropletClass[];
  /** The policy that owns bridge firewalls. */
  readonly policy: string;
  /** Database access before and after (trusted sources). */
  readonly databases: { readonly before: readonly DatabaseAccess[]; readonly after: readonly DatabaseAccess[] };
}

export function orderSteps(input: OrderInput): OrderedSteps {
  const { hosts, databases } = input;
  const { live, oldNet, newNet } = networksOf(input);
  const ctx: AssemblyContext = { plan: input.plan, live, bridges: planBridges(input, oldNet, newNet), firstFirewall: firstFirewallOf(input.classes, oldNet, newNet) };
  const problems: string[] = [];
  let first: Step[] | null = null;
  for (const order of ORDERS) {
    const steps = assemble(order, ctx);
    const found = verify(steps, live, oldNet, newNet, hosts, databases);
    if (found.length === 0) return { steps, problems: [] };
    first ??= steps;
    problems.push(`${order}: ${found[0]}`);
  }
  const searched = searchOrder(assemble('narrow first', ctx), new Simulation(live, oldNet, newNet, hosts, databases));
  if (searched) return { steps: withStateAfter(searched, live), problems: [] };
  return { steps: first!, problems: [problems.join('; ')] };
}

/** The live firewalls by lower-case name, and the networks before and after. */
function networksOf({ plan, account, databases }: OrderInput): { live: Map<string, Firewall>; oldNet: Network; newNet: Network } {
  const live = new Map(account.firewalls.map((f) => [f.name.toLowerCase(), { ...f.firewall, name: f.name, tags: [...f.tags], dropletIds: [...f.dropletIds] }]));
  const oldFirewalls = [...live.values()];
  const unmanagedNames = new Set(plan.unmanaged.map((n) => n.toLowerCase()));
  const newFirewalls = [...plan.desired, ...oldFirewalls.filter((f) => unmanagedNames.has(f.name.toLowerCase()))];
  return { live, oldNet: new Network(oldFirewalls, databases.before), newNet: new Network(newFirewalls, databases.after) };
}

interface Bridges {
  /** For droplets that go from no firewall to several: created first, deleted once theirs are in. */
  readonly opening: readonly Firewall[];
  /** For droplets that go from several firewalls to none: created first, deleted last. */
  readonly closing: readonly Firewall[];
  /** Whether a firewall on these tags or droplets is one of an opening droplet's new ones. */
  readonly reachesOpening: (tags: readonly string[], ids: readonly number[]) => boolean;
}

/**
 * Bridges: droplets that go from no firewall to several (opening), or from several to none (closing),
 * get an allow-everything firewall while theirs change, so no moment sees only some of them. A tag whose
 * droplets are all at risk is bridged by tag (MAX_TAGS_PER_FIREWALL per bridge); otherwise the droplets
 * themselves (MAX_DROPLETS_PER_FIREWALL per bridge), so that no droplet that has a firewall now is opened.
 */
function planBridges({ account, classes, policy }: OrderInput, oldNet: Network, newNet: Network): Bridges {
  const opening = new Set<number>();
  const closing = new Set<number>();
  for (const c of classes) {
    const before = oldNet.firewallsOf(c.host).length;
    const after = newNet.firewallsOf(c.host).length;
    if (before === 0 && after >= 2) for (const id of c.dropletIds) opening.add(id);
    if (before >= 2 && after === 0) for (const id of c.dropletIds) closing.add(id);
  }
  const droplets = new Map(account.droplets.map((d) => [d.id, d]));
  let made = 0;
  const next = () => bridgeName(policy, ++made);
  const bridgesFor = (atRisk: ReadonlySet<number>): Firewall[] => {
    const bridgeTags: string[] = [];
    for (const tag of [...new Set(classes.filter((c) => c.dropletIds.some((id) => atRisk.has(id))).flatMap((c) => c.tags))].sort()) {
      const carriers = account.droplets.filter((d) => d.tags.some((t) => t.toLowerCase() === tag.toLowerCase()));
      if (carriers.every((d) => atRisk.has(d.id))) bridgeTags.push(tag);
    }
    const bridgedTags = new Set(bridgeTags.map((t) => t.toLowerCase()));
    const byTag = (id: number) => droplets.get(id)?.tags.some((t) => bridgedTags.has(t.toLowerCase()));
    const ids = [...atRisk].filter((id) => !byTag(id)).sort((a, b) => a - b);
    const out: Firewall[] = [];
    for (let i = 0; i < bridgeTags.length; i += MAX_TAGS_PER_FIREWALL) out.push({ name: next(), tags: bridgeTags.slice(i, i + MAX_TAGS_PER_FIREWALL), dropletIds: [], rules: bridgeRules() });
    for (let i = 0; i < ids.length; i += MAX_DROPLETS_PER_FIREWALL) out.push({ name: next(), tags: [], dropletIds: ids.slice(i, i + MAX_DROPLETS_PER_FIREWALL), rules: bridgeRules() });
    return out;
  };
  // A step that gives an opening droplet one of its new firewalls: done while the bridge stands, and the
  // bridge goes right after them, before any other change can widen what reaches those wide-open droplets.
  const reachesOpening = (tags: readonly string[], ids: readonly number[]) =>
    ids.some((id) => opening.has(id)) ||
    [...opening].some((id) => droplets.get(id)?.tags.some((t) => tags.some((x) => x.toLowerCase() === t.toLowerCase())));
  return { opening: bridgesFor(opening), closing: bridgesFor(closing), reachesOpening };
}

/** Whether a firewall is the one and only new firewall of every droplet class it applies to, which had none. */
function firstFirewallOf(classes: readonly DropletClass[], oldNet: Network, newNet: Network): (fw: Firewall) => boolean {
  const appliesTo = (fw: Firewall, c: DropletClass) =>
    c.tags.some((t) => fw.tags.some((x) => x.toLowerCase() === t.toLowerCase())) || c.dropletIds.some((id) => fw.dropletIds.includes(id));
  return (fw) => {
    const reached = classes.filter((c) => appliesTo(fw, c));
    return reached.length > 0 && reached.every((c) => oldNet.firewallsOf(c.host).length === 0 && newNet.firewallsOf(c.host).length === 1);
  };
}

interface AssemblyContext {
  readonly plan: Plan;
  readonly live: ReadonlyMap<string, Firewall>;
  readonly bridges: Bridges;
  readonly firstFirewall: (fw: Firewall) => boolean;
}

/** The steps of an order, by the phase they go in (see the header for the phases). */
interface Phases {
  readonly openingAdds: Step[];
  readonly denyAdds: Step[];
  readonly narrowings: Step[];
  readonly adds: Step[];
  readonly removes: Step[];
  readonly denyRemoves: Step[];
  readonly deletes: Step[];
}

type Order = (typeof ORDERS)[number];

/**
 * The steps of one order. Widen first: every allow is added before any is removed. That fails where one
 * side of a flow widens while the other narrows (a firewall that opens an inbound port and restricts its
 * egress: for a moment its droplets could send to themselves on it). Narrow first: each firewall is first
 * narrowed to what both versions allow (the parts of its new rules that its old rules already allow are
 * added, then the old rules go), and only then widened.
 */
function assemble(order: Order, ctx: AssemblyContext): Step[] {
  const { plan, bridges } = ctx;
  const phases: Phases = { openingAdds: [], denyAdds: [], narrowings: [], adds: [], removes: [], denyRemoves: [], deletes: [] };
  for (const change of plan.firewalls) {
    match(change)
      .with({ action: 'create' }, (c) => {
        const step = { kind: 'create-firewall', firewall: c.desired, bridge: false } as const;
        if (bridges.reachesOpening(c.desired.tags, c.desired.dropletIds)) phases.openingAdds.push(step);
        // The first firewall of droplets that have none only narrows what reaches them: with the denies,
        // before anything widens what other droplets may send.
        else if (ctx.firstFirewall(c.desired)) phases.denyAdds.push(step);
        else phases.adds.push(step);
      })
      .with({ action: 'delete' }, (c) => phases.deletes.push({ kind: 'delete-firewall', id: c.id, name: c.name, bridge: false }))
      .with({ action: 'update' }, (c) => updateSteps(c, order, bridges, phases))
      .exhaustive();
  }
  const deleteBridges = (list: readonly Firewall[]) => list.map((b) => ({ kind: 'delete-firewall', id: null, name: b.name, bridge: true }) as const);
  const steps: Step[] = [
    ...plan.tagsToCreate.map((tag) => ({ kind: 'create-tag', tag }) as const),
    ...[...bridges.opening, ...bridges.closing].map((firewall) => ({ kind: 'create-firewall', firewall, bridge: true }) as const),
    ...phases.openingAdds,
    ...deleteBridges(bridges.opening),
    ...phases.denyAdds,
    ...phases.narrowings,
    ...phases.adds,
    ...plan.databases.map(databaseStep),
    ...phases.removes,
    ...phases.denyRemoves,
    ...phases.deletes,
    ...deleteBridges(bridges.closing),
  ];
  return withStateAfter(steps, ctx.live);
}

type UpdateChange = Extract<Plan['firewalls'][number], { action: 'update' }>;

/** The steps of one firewall's update, each in its phase. */
function updateSteps(change: UpdateChange, order: Order, bridges: Bridges, phases: Phases): void {
  const { id, name } = change;
  // DigitalOcean counts the rules it stores, which may be more than the canonical grouping (an API that
  // stores added rules as sent keeps one per request): count the larger.
  const grouped = groupRules(change.addRules).length;
  const during = Math.max(groupRules([...change.live.firewall.rules, ...change.addRules]).length, (change.live.storedRules ?? 0) + grouped);
  if (during > MAX_RULES_PER_FIREWALL) {
    // NOTE: old and new rules together would pass DigitalOcean's limit of 50 rules per firewall
    // (DO-API-FACTS.md 3): replace the firewall in one request instead.
    phases.adds.push({ kind: 'replace-firewall', id, firewall: change.desired });
    return;
  }
  const allowAdds = change.addRules.filter((r) => r.action === 'allow');
  const denyAdd = change.addRules.filter((r) => r.action === 'deny');
  const allowRemoves = change.removeRules.filter((r) => r.action === 'allow');
  const denyRemove = change.removeRules.filter((r) => r.action === 'deny');
  if (denyAdd.length > 0) phases.denyAdds.push({ kind: 'add-rules', id, name, rules: denyAdd });
  if (order === 'narrow first' && allowRemoves.length > 0) {
    // Old rules that a new one holds whole go last (nothing changes when they do); the others narrow the
    // firewall, once the parts of the new rules they allow are in.
    const wanted = change.desired.rules.filter((r) => r.action === 'allow');
    const narrowing = allowRemoves.filter((r) => !wanted.some((w) => ruleHolds(w, r, reachesAll)));
    const subsumed = allowRemoves.filter((r) => !narrowing.includes(r));
    const within = commonParts(allowAdds, narrowing);
    if (within.length > 0) phases.narrowings.push({ kind: 'add-rules', id, name, rules: within });
    if (narrowing.length > 0) phases.narrowings.push({ kind: 'remove-rules', id, name, rules: narrowing });
    const added = new Set(within.map(ruleKey));
    const rest = allowAdds.filter((r) => !added.has(ruleKey(r)));
    if (rest.length > 0) phases.adds.push({ kind: 'add-rules', id, name, rules: rest });
    if (subsumed.length > 0) phases.removes.push({ kind: 'remove-rules', id, name, rules: subsumed });
  } else if (allowAdds.length > 0) {
    phases.adds.push({ kind: 'add-rules', id, name, rules: allowAdds });
  }
  if (change.addTags.length > 0) (bridges.reachesOpening(change.addTags, []) ? phases.openingAdds : phases.adds).push({ kind: 'add-tags', id, name, tags: change.addTags });
  if (change.addDroplets.length > 0) (bridges.reachesOpening([], change.addDroplets) ? phases.openingAdds : phases.adds).push({ kind: 'add-droplets', id, name, dropletIds: change.addDroplets });
  if (order === 'widen first' && allowRemoves.length > 0) phases.removes.push({ kind: 'remove-rules', id, name, rules: allowRemoves });
  if (change.removeTags.length > 0) phases.removes.push({ kind: 'remove-tags', id, name, tags: change.removeTags });
  if (change.removeDroplets.length > 0) phases.removes.push({ kind: 'remove-droplets', id, name, dropletIds: change.removeDroplets });
  if (denyRemove.length > 0) phases.denyRemoves.push({ kind: 'remove-rules', id, name, rules: denyRemove });
  // Rules fwc cannot read go with any removal from their firewall (applyApi sends them as stored); with
  // none planned, a removal of nothing else takes them out.
  const removing = [...phases.narrowings, ...phases.removes, ...phases.denyRemoves].some((x) => x.kind === 'remove-rules' && x.id === id);
  if ((change.removeUnreadable?.length ?? 0) > 0 && !removing) phases.removes.push({ kind: 'remove-rules', id, name, rules: [] });
}

/** A database's trusted sources replaced in one PUT, keeping the uuid of every source that stays. */
function databaseStep(db: Plan['databases'][number]): Step {
  const keep = new Map(db.live.map((s) => [`${s.type}:${s.value}`, s.uuid]));
  return {
    kind: 'replace-database',
    id: db.id,
    name: db.name,
    rules: db.desired.map((s) => {
      const value = s.type === 'unresolved' ? `${s.resource}:${s.name}` : s.value;
      const type = s.type === 'unresolved' ? (s.resource === 'droplet' ? 'droplet' : 'k8s') : s.type;
      const uuid = keep.get(`${type}:${value}`);
      return uuid ? { type, value, uuid } : { type, value };
    }),
  };
}

const ORDERS = ['widen first', 'narrow first'] as const;

/**
 * The parts of `adds` that `old` already allows, as rules: for each added rule and each old rule of the
 * same direction, protocol and action whose ports and peer overlap it, the shared ports with the
 * narrower peer. Adding them first opens nothing (the old firewall allows all of it), and lets the old
 * rules go before the new ones widen anything.
 */
function commonParts(adds: readonly Rule[], old: readonly Rule[]): Rule[] {
  const have = new Set(old.map(ruleKey));
  const out = new Map<string, Rule>();
  for (const a of adds) {
    for (const o of old) {
      if (o.direction !== a.direction || o.protocol !== a.protocol || o.action !== a.action) continue;
      const from = Math.max(portsFrom(a.ports), portsFrom(o.ports));
      const to = Math.min(portsTo(a.ports), portsTo(o.ports));
      if (from > to) continue;
      const peer = narrowerPeer(a.peer, o.peer);
      if (!peer) continue;
      const part: Rule = { ...a, ports: a.protocol === 'icmp' ? ALL_PORTS : portRange(from, to), peer };
      const key = ruleKey(part);
      if (!have.has(key)) out.set(key, part);
    }
  }
  return [...out.values()];
}

/**
 * Whether `outer` reaches every endpoint of `inner`: as peerHolds, and every IPv4 address (`0.0.0.0/0`)
 * also holds every droplet, load balancer and cluster, since each has one (a droplet a private one at
 * least). True of traffic, though the canonical form keeps such rules apart: for ordering only.
 */
function reachesAll(outer: Rule['peer'], inner: Rule['peer']): boolean {
  if (outer.kind === 'address' && inner.kind !== 'address') return outer.cidr.family === 4 && outer.cidr.prefix === 0;
  return peerHolds(outer, inner);
}

/** The peer both peers reach, or null. */
function narrowerPeer(a: Rule['peer'], b: Rule['peer']): Rule['peer'] | null {
  return reachesAll(a, b) ? b : reachesAll(b, a) ? a : null;
}

/** The steps, each rule step carrying the state of its firewall after it (as the simulation has it). */
function withStateAfter(steps: readonly Step[], live: ReadonlyMap<string, Firewall>): Step[] {
  const state = new Map(live);
  return steps.map((step) => {
    applyStep(state, step);
    if (step.kind !== 'add-rules' && step.kind !== 'remove-rules') return step;
    const after = state.get(step.name.toLowerCase());
    return after ? { ...step, after } : step;
  });
}

/**
 * The account as the steps leave it, one step at a time, and the check of a step on the flows it can
 * change: every flow both the old and the new state allow stays allowed, and nothing neither allows is.
 */
class Simulation {
  private readonly state: Map<string, Firewall>;
  private access: readonly DatabaseAccess[];

  constructor(
    live: ReadonlyMap<string, Firewall>,
    private readonly oldNet: Network,
    private readonly newNet: Network,
    private readonly hosts: readonly Host[],
    private readonly databases: OrderInput['databases'],
  ) {
    this.state = new Map(live);
    this.access = databases.before;
  }

  /** What would go wrong if `step` came next; the simulation is left as it was. */
  problems(step: Step): string[] {
    const name = touched(step)?.toLowerCase();
    const before = name ? this.state.get(name) : undefined;
    const access = this.access;
    this.commit(step);
    const after = name ? this.state.get(name) : undefined;
    const found = this.check(step, before, after);
    if (name) {
      if (before) this.state.set(name, before);
      else this.state.delete(name);
    }
    this.access = access;
    return found;
  }

  commit(step: Step): void {
    applyStep(this.state, step);
    if (step.kind === 'replace-database') {
      this.access = this.access.map((d) => (d.name === step.name ? (this.databases.after.find((a) => a.name === d.name) ?? d) : d));
    }
  }

  private check(step: Step, before: Firewall | undefined, after: Firewall | undefined): string[] {
    const problems: string[] = [];
    const net = new Network([...this.state.values()], this.access);
    // The hosts whose flows this step can change: those the touched firewall applies to, before or after.
    const applies = (fw: Firewall | undefined, h: Host) =>
      fw !== undefined && h.kind === 'droplet' && (fw.tags.some((t) => h.tags.some((x) => x.toLowerCase() === t.toLowerCase())) || (h.dropletId !== undefined && fw.dropletIds.includes(h.dropletId)));
    const affected =
      step.kind === 'replace-database' ? this.hosts.filter((h) => h.kind === 'database' && h.databaseName === step.name) : this.hosts.filter((h) => applies(before, h) || applies(after, h));
    for (const a of affected) {
      for (const other of this.hosts) {
        for (const [src, dst] of [[a, other], [other, a]] as const) {
          if (src.kind === 'database') continue;
          const now = net.allowed(src, dst);
          const old = this.oldNet.allowed(src, dst);
          const neu = this.newNet.allowed(src, dst);
          if (!covers(now, intersect(old, neu))) {
            problems.push(`step "${describeStep(step)}" would cut ${src.label} → ${dst.label}, which both the old and the new state allow`);
          } else if (!covers(union(old, neu), now)) {
            problems.push(`step "${describeStep(step)}" would let ${src.label} reach ${dst.label} beyond what either state allows`);
          }
        }
      }
    }
    return problems;
  }
}

/** Simulates the steps and checks every state on the flows each step can change (exported for tests). */
export function verify(
  steps: readonly Step[],
  live: Map<string, Firewall>,
  oldNet: Network,
  newNet: Network,
  hosts: readonly Host[],
  databases: OrderInput['databases'],
): string[] {
  const sim = new Simulation(live, oldNet, newNet, hosts, databases);
  for (const step of steps) {
    const problems = sim.problems(step);
    if (problems.length > 0) return problems;
    sim.commit(step);
  }
  return [];
}

/** Plans with more steps than this are not searched for an order (each try checks a step). */
const MAX_SEARCHED_STEPS = 120;

/**
 * An order found step by step: from the narrow-first steps, split by direction, it takes each time the
 * first one whose state is safe. It finds orders the fixed ones miss, where firewalls on the same
 * droplets must take turns (one firewall's egress narrowed before another's inbound widens, and only
 * then the first one's inbound narrowed). Null when it is stuck.
 */
function searchOrder(units: readonly Step[], sim: Simulation): Step[] | null {
  const fixed = units.filter((s) => s.kind === 'create-tag' || (s.kind === 'create-firewall' && s.bridge));
  const left = units.filter((s) => !fixed.includes(s)).flatMap(byDirection);
  if (left.length > MAX_SEARCHED_STEPS) return null;
  for (const s of fixed) sim.commit(s);
  const out = [...fixed];
  while (left.length > 0) {
    const i = left.findIndex((s) => sim.problems(s).length === 0);
    if (i < 0) return null;
    sim.commit(left[i]!);
    out.push(...left.splice(i, 1));
  }
  return out;
}

/** A rule step as one step per direction (inbound first); any other step as it is. */
function byDirection(step: Step): Step[] {
  if (step.kind !== 'add-rules' && step.kind !== 'remove-rules') return [step];
  const parts = (['inbound', 'outbound'] as const).map((d) => step.rules.filter((r) => r.direction === d)).filter((rules) => rules.length > 0);
  return parts.length < 2 ? [step] : parts.map((rules) => ({ kind: step.kind, id: step.id, name: step.name, rules }));
}
