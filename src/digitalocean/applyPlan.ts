/**
 * Applying a plan to the account, from start to end: the token's write scopes checked before anything
 * changes, the ordered and proven steps (plan/steps.ts) sent through the executor (apply.ts), waiting
 * until DigitalOcean reports the firewalls applied, and then the account read again: a difference left
 * is planned, ordered and proven as the first round was, from the state the account is in (itself
 * proven safe), at most MAX_CORRECTIONS times. What happened comes back as a value; the CLI prints it.
 */
import { OPERATIONS, type OperationId } from '../api/index.js';
import { ruleText } from '../model/index.js';
import type { Policy } from '../check/index.js';
import { accountHosts, databaseAccess, dropletClasses, type OrderedSteps, orderSteps, type Plan, planChanges, type ResolvedDesired, type Step } from '../plan/index.js';
import { executeSteps, type ApplyProgress } from './apply.js';
import { applyApi } from './applyApi.js';
import type { DigitalOceanClient, RequestInit } from './client.js';
import { ApiError } from './errors.js';
import { readAccount, type ReadAccount } from './read.js';

/** How many correcting rounds follow the planned steps before apply gives up. */
export const MAX_CORRECTIONS = 2;
/** How long to wait for DigitalOcean to report changed firewalls applied, and the longest poll pause. */
const WAIT_LIMIT_MS = 300_000;
const WAIT_PAUSE_MAX_MS = 5000;
/** Above this many firewalls to wait for, one list read is cheaper than a read of each. */
const WAIT_LIST_ABOVE = 10;

export interface ApplyInput {
  readonly client: DigitalOceanClient;
  readonly plan: Plan;
  readonly account: ReadAccount;
  readonly desired: ResolvedDesired;
  /** The owning policies' names (the first names bridge firewalls). */
  readonly policies: readonly string[];
  /** The policies' address blocks, for the hosts flows are judged on. */
  readonly namedAddresses: readonly Pick<Policy, 'namedAddresses'>[];
  readonly wait: boolean;
  readonly signal: AbortSignal;
}

export interface ApplyEvents extends ApplyProgress {
  waiting(firewalls: number): void;
  stillApplying(): void;
  correcting(differences: readonly string[]): void;
}

export type ApplyOutcome =
  | { readonly kind: 'no-safe-order'; readonly round: number; readonly problem: string }
  | { readonly kind: 'missing-scopes'; readonly scopes: readonly string[] }
  | { readonly kind: 'interrupted'; readonly done: number; readonly total: number }
  | { readonly kind: 'failed'; readonly done: number; readonly total: number; readonly error: Error }
  | { readonly kind: 'diverged'; readonly differences: readonly string[]; readonly steps: number; readonly requests: number }
  | { readonly kind: 'applied'; readonly steps: number; readonly requests: number };

export async function applyPlan(input: ApplyInput, events: ApplyEvents): Promise<ApplyOutcome> {
  const { client } = input;
  let ordered = orderFor(input, input.plan, input.account);
  let steps = 0;
  let firstRequest = 0;
  for (let round = 0; ; round++) {
    if (ordered.problems.length > 0) return { kind: 'no-safe-order', round, problem: ordered.problems[0]! };
    if (round === 0) {
      const missing = await missingScopes(client, ordered.steps);
      if (missing.length > 0) return { kind: 'missing-scopes', scopes: missing };
      firstRequest = client.history.length;
    }
    const result = await executeSteps(ordered.steps, applyApi(client), events, input.signal);
    steps += result.done;
    if (result.stopped === 'interrupted') return { kind: 'interrupted', done: result.done, total: result.total };
    if (result.stopped === 'failed') return { kind: 'failed', done: result.done, total: result.total, error: result.error ?? new Error('unknown failure') };
    if (input.wait && !(await waitApplied(client, result.changed, input.signal, events))) events.stillApplying();
    const account = await readAccount(client);
    const again = planChanges(input.desired, account, input.policies);
    const left = differences(again);
    if (left.length === 0) return { kind: 'applied', steps, requests: mutationsSince(client, firstRequest) };
    if (round === MAX_CORRECTIONS) return { kind: 'diverged', differences: left, steps, requests: mutationsSince(client, firstRequest) };
    events.correcting(left);
    ordered = orderFor(input, asPlan(input.plan, again, input.desired), account);
  }
}

/** The steps of a plan against an account, ordered and proven. */
function orderFor(input: ApplyInput, plan: Plan, account: ReadAccount): OrderedSteps {
  const allFirewalls = [...account.firewalls.map((f) => f.firewall), ...input.desired.firewalls];
  const hosts = accountHosts(account, allFirewalls, input.namedAddresses, input.desired.databases.map((d) => d.name));
  return orderSteps({
    plan,
    account,
    hosts,
    classes: dropletClasses(account, allFirewalls),
    policy: input.policies[0] ?? 'fwc',
    databases: databaseAccess(account, input.desired),
  });
}

/** A plan of the changes a fresh read shows, for a correcting round (what it shows was already shown). */
function asPlan(base: Plan, changes: ReturnType<typeof planChanges>, desired: ResolvedDesired): Plan {
  return {
    ...base,
    tagsToCreate: changes.tagsToCreate,
    firewalls: changes.firewalls,
    databases: changes.databases,
    unchangedManaged: changes.unchangedManaged,
    unmanaged: changes.unmanaged.map((f) => f.name).sort(),
    desired: desired.firewalls,
  };
}

/** What a fresh plan still shows, one line each. */
export function differences(changes: ReturnType<typeof planChanges>): string[] {
  const out: string[] = [];
  for (const t of changes.tagsToCreate) out.push(`tag ${t} is missing`);
  for (const c of changes.firewalls) {
    if (c.action !== 'update') {
      out.push(`firewall ${c.name} is to ${c.action}`);
      continue;
    }
    const parts = [
      ...c.addRules.map((r) => `lacks ${ruleText(r)}`),
      ...c.removeRules.map((r) => `still has ${ruleText(r)}`),
      ...c.addTags.map((t) => `lacks tag ${t}`),
      ...c.removeTags.map((t) => `still has tag ${t}`),
      ...c.addDroplets.map((d) => `lacks droplet ${d}`),
      ...c.removeDroplets.map((d) => `still has droplet ${d}`),
    ];
    out.push(`firewall ${c.name} ${parts.join(', ')}`);
  }
  for (const d of changes.databases) out.push(`database ${d.name}'s trusted sources differ`);
  return out;
}

const MUTATING = new Set<string>(OPERATIONS.filter((o) => o.method !== 'GET').map((o) => o.operationId));

/** The changing requests sent since `from` in the client's history (retries count: each was sent). */
function mutationsSince(client: DigitalOceanClient, from: number): number {
  return client.history.slice(from).filter((h) => MUTATING.has(h.operation)).length;
}

/** Probes that need a scope and change nothing: invalid requests answered 4xx, or 403 without the scope. */
const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
const PROBES: Record<string, { operation: OperationId; init: RequestInit }> = {
  'tag:create': { operation: 'tags_create', init: { body: { name: '' } } },
  'firewall:create': { operation: 'firewalls_create', init: { body: {} } },
  'firewall:update': { operation: 'firewalls_update', init: { params: { firewall_id: NO_SUCH_ID }, body: {} } },
  'firewall:delete': { operation: 'firewalls_delete', init: { params: { firewall_id: NO_SUCH_ID } } },
  'database:update': { operation: 'databases_update_firewall_rules', init: { params: { database_cluster_uuid: NO_SUCH_ID }, body: { rules: 'probe' } } },
};

function scopesNeeded(steps: readonly Step[]): string[] {
  const needed = new Set<string>();
  for (const s of steps) {
    if (s.kind === 'create-tag') needed.add('tag:create');
    else if (s.kind === 'create-firewall') needed.add('firewall:create');
    else if (s.kind === 'delete-firewall') needed.add('firewall:delete');
    else if (s.kind === 'replace-database') needed.add('database:update');
    else needed.add('firewall:update');
  }
  return [...needed].sort();
}

/** The write scopes the steps need that the token lacks (asked before anything changes). */
async function missingScopes(client: DigitalOceanClient, steps: readonly Step[]): Promise<string[]> {
  const missing: string[] = [];
  for (const scope of scopesNeeded(steps)) {
    const probe = PROBES[scope]!;
    try {
      await client.request(probe.operation, probe.init);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) missing.push(scope);
      else if (error instanceof ApiError && (error.status === 401 || error.status >= 500 || error.status === 0)) throw error;
    }
  }
  return missing;
}

/** Waits until every changed firewall reports `succeeded` with no pending changes. */
async function waitApplied(client: DigitalOceanClient, ids: readonly string[], signal: AbortSignal, events: ApplyEvents): Promise<boolean> {
  if (ids.length === 0) return true;
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let delay = 250;
  const pending = new Set(ids);
  events.waiting(ids.length);
  type Status = { id: string; status?: string; pending_changes?: unknown[] };
  while (pending.size > 0 && Date.now() < deadline && !signal.aborted) {
    const raws =
      pending.size > WAIT_LIST_ABOVE
        ? await client.listAll<Status>('firewalls_list', 'firewalls')
        : await Promise.all(
            [...pending].map(async (id) => {
              try {
                return (await client.request<{ firewall: Status }>('firewalls_get', { params: { firewall_id: id } })).body.firewall;
              } catch (error) {
                if (error instanceof ApiError && error.status === 404) return { id, status: 'succeeded', pending_changes: [] };
                throw error;
              }
            }),
          );
    for (const fw of raws) if (pending.has(fw.id) && fw.status === 'succeeded' && (fw.pending_changes ?? []).length === 0) pending.delete(fw.id);
    if (pending.size === 0) break;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(WAIT_PAUSE_MAX_MS, delay * 2);
  }
  return pending.size === 0;
}
