/**
 * `fwc apply [PATH… | PLANFILE]`: makes the account match the policies. It plans, shows the plan, asks
 * (or takes --auto-approve), checks the token's write scopes before changing anything, proves every
 * intermediate state safe (plan/steps.ts), applies step by step, waits for DigitalOcean to report the
 * firewalls applied, and ends with a fresh plan that must show no changes.
 */
import { createInterface } from 'node:readline';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { useColor } from '../io.js';
import { ANSI, PLAIN } from '../../diagnostics/style.js';
import { executeSteps, type ApplyProgress } from '../../digitalocean/apply.js';
import { applyApi } from '../../digitalocean/applyApi.js';
import { ApiError } from '../../digitalocean/errors.js';
import { firewallFromApi } from '../../digitalocean/fromApi.js';
import { readAccount, type ReadAccount } from '../../digitalocean/read.js';
import { OPERATIONS } from '../../api/schema.js';
import { ruleText } from '../../compile/rules.js';
import type { Firewall, TrustedSource } from '../../compile/types.js';
import { planDocument, type PlanDocument, type RuleDoc } from '../../plan/document.js';
import { accountHosts, dropletClasses } from '../../plan/hosts.js';
import { GUARD_WARNINGS, databaseAccess, databaseFingerprint, planChanges, replanSaved } from '../../plan/plan.js';
import { isBridgeName, ownsFirewall, policyPrefix } from '../../check/firewallNames.js';
import { parseAddress } from '../../model/addresses.js';
import { printable } from '../../diagnostics/printable.js';
import { renderText } from '../../plan/renderText.js';
import type { ResolvedDesired } from '../../plan/resolve.js';
import { orderSteps, type Step } from '../../plan/steps.js';
import { hasChanges, type Plan } from '../../plan/types.js';
import { API_URL_OPTION, api, connect, planPolicies, type Connection } from '../account.js';
import { readPlanFile } from './show.js';
import { AS_OF_OPTION, DIAGNOSTICS_OPTION, asOfDate } from '../report.js';

export const STALE_PLAN_EXIT = 3;
export const INTERRUPTED_EXIT = 130;

export const spec: CommandSpec = {
  name: 'apply',
  usage: 'fwc apply [PATH… | PLANFILE] [--auto-approve] [--api-url URL] [--no-wait] [--allow-lockout]',
  summary: 'Make the account match the policies, with no moment that cuts allowed traffic or opens a hole.',
  description:
    'With policy paths it plans first; with a PLANFILE (from `fwc plan --out`) it applies that plan if no\n' +
    'live firewall changed since. It asks before changing anything unless --auto-approve. Interrupted\n' +
    'anywhere, running it again finishes the job.',
  options: {
    'auto-approve': { type: 'boolean', description: 'apply without asking (needed when stdin is not a terminal)' },
    'api-url': API_URL_OPTION,
    'no-wait': { type: 'boolean', description: 'do not wait for DigitalOcean to report the firewalls applied' },
    'allow-lockout': { type: 'boolean', description: 'apply even if droplets lose every SSH allow or are left with no firewall' },
    'as-of': AS_OF_OPTION,
    diagnostics: DIAGNOSTICS_OPTION,
  },
  exitCodes:
    '0  applied (or nothing to do)\n1  errors, a refused plan, or an apply that failed part way (run it again)\n2  usage error\n' +
    `${STALE_PLAN_EXIT}  the saved plan is stale: a live firewall changed since it was made; nothing was changed\n${INTERRUPTED_EXIT}  interrupted (run it again to finish)`,
};

interface Target {
  readonly plan: Plan;
  readonly desired: ResolvedDesired;
  readonly account: ReadAccount;
  readonly policies: readonly string[];
  readonly namedAddresses: Parameters<typeof accountHosts>[2];
  readonly doc: PlanDocument;
}

/**
 * A saved plan applies only to the account it was made against: every firewall must be as it was, and
 * every database's trusted sources (a source added since would otherwise be silently removed).
 */
function checkFingerprints(doc: PlanDocument, account: ReadAccount): string[] {
  const problems: string[] = [];
  const now = new Map(account.firewalls.map((f) => [f.id, f]));
  for (const seen of doc.live) {
    const fw = now.get(seen.id);
    if (!fw) problems.push(`firewall ${seen.name} (${seen.id}) is gone`);
    else if (fw.fingerprint !== seen.fingerprint) problems.push(`firewall ${seen.name} (${seen.id}) changed`);
  }
  const known = new Set(doc.live.map((l) => l.id));
  for (const fw of account.firewalls) if (!known.has(fw.id)) problems.push(`firewall ${fw.name} (${fw.id}) is new`);
  const databases = new Map(account.databases.map((d) => [d.id, d]));
  for (const seen of doc.liveDatabases) {
    const db = databases.get(seen.id);
    if (!db) problems.push(`database ${seen.name} (${seen.id}) is gone`);
    else if (databaseFingerprint(db.trustedSources) !== seen.fingerprint) problems.push(`the trusted sources of database ${seen.name} (${seen.id}) changed`);
  }
  const knownDatabases = new Set(doc.liveDatabases.map((d) => d.id));
  for (const db of account.databases) if (!knownDatabases.has(db.id)) problems.push(`database ${db.name} (${db.id}) is new`);
  return problems;
}

/** The desired state of a saved plan: its `desired` section, the only part apply executes. */
function desiredFromDocument(path: string, doc: PlanDocument): ResolvedDesired {
  const firewalls: Firewall[] = doc.desired.firewalls.map((body, i) => {
    const read = firewallFromApi(body);
    if (read.problems.length > 0 || read.unreadable) throw new UserError(`${path} is damaged or was edited: /desired/firewalls/${i}: ${read.problems[0] ?? `an ${read.unreadable?.[0]?.direction} rule's ${read.unreadable?.[0]?.reason}`}`, 1, 'make the plan again with `fwc plan --out PLANFILE`');
    // A saved plan may change only firewalls its policies own: never one another tool manages.
    // A tag-less one is a droplet set's firewall (fwc-<policy>-<set>, or a further shard of it).
    const owns = (p: { name: string }) => ownsFirewall(p.name, read.name, read.tags) || (read.tags.length === 0 && read.name.toLowerCase().startsWith(policyPrefix(p.name).toLowerCase()));
    if (!doc.policies.some((p) => owns(p) && !isBridgeName(p.name, read.name))) {
      throw new UserError(`${path} is damaged or was edited: /desired/firewalls/${i}: firewall ${read.name} is not named for any of its policies (${doc.policies.map((p) => p.name).join(', ')})`, 1, 'make the plan again with `fwc plan --out PLANFILE`');
    }
    return read.firewall;
  });
  const databases = doc.desired.databases.map((d) => ({
    id: d.id,
    name: d.name,
    sources: d.sources.map((r) => ({ type: r.type, value: r.value }) as TrustedSource),
    origins: [],
  }));
  // The live firewalls the plan counted as the policies' own include those they replace (by id): the
  // saved plan deletes them as the plan that made it did.
  const replaces = doc.live.filter((l) => l.managed).map((l) => l.id);
  return { firewalls, databases, replaces };
}

/** What the file shows, in the form compared with what apply recomputes (rule origins are not recomputable). */
function shown(doc: PlanDocument): Record<string, unknown> {
  const strip = (rules: readonly RuleDoc[]) => rules.map(({ origin: _origin, ...r }) => r);
  return {
    summary: doc.summary,
    tags: doc.tags,
    firewalls: doc.firewalls.map((f) => ({ ...f, rules: { ...f.rules, add: strip(f.rules.add), remove: strip(f.rules.remove) } })),
    databases: doc.databases,
    reachability: doc.reachability,
    warnings: doc.warnings.filter((w) => GUARD_WARNINGS.includes(w.code)),
    unmanaged: doc.unmanaged,
    live: doc.live,
  };
}

/**
 * A saved plan is executed from its `desired` section; what apply shows and what the lockout guard
 * judges are recomputed from that section and the account as read now. The file's own `firewalls`,
 * `databases`, `reachability`, lockout warnings and summary must say the same — otherwise the file
 * shows (in `fwc show`, in a review) something other than what it would do, and apply refuses it.
 */
async function targetFromPlanFile(io: Io, connection: Connection, path: string): Promise<Target | number> {
  const doc = readPlanFile(path, io.cwd);
  if (doc.kind !== 'plan') throw new UserError(`${printable(path)} is a diff, not a plan of an account`, 1, 'make a plan with `fwc plan --out PLANFILE`');
  // Deleting `apiUrl` does not skip this check: a plan file without it is refused.
  if (doc.apiUrl === undefined) throw new UserError(`${printable(path)} does not say which API it was made against (no apiUrl)`, 1, 'make the plan again with `fwc plan --out PLANFILE`');
  if (doc.apiUrl !== connection.apiUrl) {
    throw new UserError(`${printable(path)} was made against ${printable(doc.apiUrl)}, not ${printable(connection.apiUrl)}`, 1, 'apply it with --api-url set as when it was made');
  }
  const desired = desiredFromDocument(printable(path), doc);
  const account = await api(() => readAccount(connection.client));
  const stale = checkFingerprints(doc, account);
  if (stale.length > 0) {
    io.stderr.write(
      `error: the plan in ${printable(path)} is stale; nothing was changed\n${stale.map((s) => `  - ${printable(s)}\n`).join('')}` +
        '  = help: make a new plan with `fwc plan --out PLANFILE` and review it\n',
    );
    return STALE_PLAN_EXIT;
  }
  const addressBlocks = doc.addressBlocks.map((text) => {
    const parsed = parseAddress(text);
    if (!parsed.ok) throw new UserError(`${printable(path)} is damaged or was edited: /addressBlocks: ${printable(text)} is not an address block`);
    return parsed.cidr;
  });
  const plan = replanSaved({ desired, account, policies: doc.policies, addressBlocks, otherWarnings: doc.warnings.filter((w) => !GUARD_WARNINGS.includes(w.code)) });
  const fresh = planDocument(plan);
  const mine = shown(fresh);
  const theirs = shown(doc);
  const differs = Object.keys(mine).filter((k) => JSON.stringify(mine[k]) !== JSON.stringify(theirs[k]));
  if (differs.length > 0) {
    throw new UserError(
      `refusing to apply ${printable(path)}: what it shows (${differs.map((k) => `\`${k}\``).join(', ')}) is not what its \`desired\` section would do to the account now; nothing was changed`,
      1,
      'the file was edited, or droplets or resources changed since the plan: make a new plan with `fwc plan --out PLANFILE` and review it',
    );
  }
  return { plan, desired, account, policies: doc.policies.map((p) => p.name), namedAddresses: [{ namedAddresses: addressBlocks }], doc };
}

function progressFor(io: Io): ApplyProgress {
  const tty = io.stdout.isTTY === true && io.env.TERM !== 'dumb';
  let total = 0;
  return {
    start(n) {
      total = n;
    },
    step(index, _total, text) {
      if (tty) {
        const width = 24;
        const filled = Math.round((index / total) * width);
        io.stdout.write(`\r\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${index}/${total} ${text}`);
        if (index === total) io.stdout.write('\n');
      } else {
        io.stdout.write(`[${index}/${total}] ${text}\n`);
      }
    },
    note(text) {
      io.stdout.write(`${tty ? '\n' : ''}  note: ${text}\n`);
    },
  };
}

async function confirm(io: Io): Promise<boolean> {
  io.stdout.write('\nDo you want to apply these changes? Only `yes` will be accepted: ');
  const rl = createInterface({ input: io.stdin, terminal: false });
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return answer.trim() === 'yes';
}

/** Probes that need a scope and change nothing: invalid requests answered 4xx, or 403 without the scope. */
const PROBES: Record<string, { operation: Parameters<Connection['client']['request']>[0]; init: Parameters<Connection['client']['request']>[1] }> = {
  'tag:create': { operation: 'tags_create', init: { body: { name: '' } } },
  'firewall:create': { operation: 'firewalls_create', init: { body: {} } },
  'firewall:update': { operation: 'firewalls_update', init: { params: { firewall_id: '00000000-0000-4000-8000-000000000000' }, body: {} } },
  'firewall:delete': { operation: 'firewalls_delete', init: { params: { firewall_id: '00000000-0000-4000-8000-000000000000' } } },
  'database:update': { operation: 'databases_update_firewall_rules', init: { params: { database_cluster_uuid: '00000000-0000-4000-8000-000000000000' }, body: { rules: 'probe' } } },
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

/** Fails, before anything changes, when the token lacks a scope the steps need. */
async function checkScopes(connection: Connection, steps: readonly Step[]): Promise<void> {
  const missing: string[] = [];
  for (const scope of scopesNeeded(steps)) {
    const probe = PROBES[scope]!;
    try {
      await connection.client.request(probe.operation, probe.init);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) missing.push(scope);
      else if (error instanceof ApiError && (error.status === 401 || error.status >= 500 || error.status === 0)) throw new UserError(error.message);
    }
  }
  if (missing.length > 0) {
    throw new UserError(
      `the token lacks the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')} that this apply needs; nothing was changed`,
      1,
      'use a token with write scopes for firewalls (and tags, databases where the plan changes them)',
    );
  }
}

/** Waits until every changed firewall reports `succeeded` with no pending changes. */
async function waitApplied(io: Io, connection: Connection, ids: readonly string[]): Promise<boolean> {
  if (ids.length === 0) return true;
  const deadline = Date.now() + 300_000;
  let delay = 250;
  const pending = new Set(ids);
  io.stdout.write(`waiting for DigitalOcean to apply ${ids.length} firewall${ids.length === 1 ? '' : 's'}…\n`);
  while (pending.size > 0 && Date.now() < deadline && !io.signal.aborted) {
    const raws =
      pending.size > 10
        ? await connection.client.listAll<{ id: string; status?: string; pending_changes?: unknown[] }>('firewalls_list', 'firewalls')
        : await Promise.all(
            [...pending].map(async (id) => {
              try {
                return (await connection.client.request<{ firewall: { id: string; status?: string; pending_changes?: unknown[] } }>('firewalls_get', { params: { firewall_id: id } })).body.firewall;
              } catch (error) {
                if (error instanceof ApiError && error.status === 404) return { id, status: 'succeeded', pending_changes: [] };
                throw error;
              }
            }),
          );
    for (const fw of raws) if (pending.has(fw.id) && fw.status === 'succeeded' && (fw.pending_changes ?? []).length === 0) pending.delete(fw.id);
    if (pending.size === 0) break;
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(5000, delay * 2);
  }
  return pending.size === 0;
}

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const connection = connect(io, args.values['api-url']);
  const style = useColor(io.stdout, io.env) ? ANSI : PLAIN;
  const first = args.positionals[0];
  const planFile = args.positionals.length === 1 && first !== undefined && first.endsWith('.json');

  let target: Target;
  if (planFile) {
    const got = await targetFromPlanFile(io, connection, first);
    if (typeof got === 'number') return got;
    target = got;
  } else {
    const planned = await planPolicies(io, connection, args.positionals, asOf, args.values.diagnostics);
    if (!planned) return 1;
    target = {
      plan: planned.plan,
      desired: planned.desired,
      account: planned.account,
      policies: planned.built.map((b) => b.policy.name),
      namedAddresses: planned.built.map((b) => b.policy),
      doc: planDocument(planned.plan),
    };
  }

  io.stdout.write(renderText(target.doc, style));
  if (!hasChanges(target.plan)) return 0;

  // For a saved plan these warnings were recomputed from what will be executed (targetFromPlanFile).
  const lockouts = target.plan.warnings.filter((w) => GUARD_WARNINGS.includes(w.code));
  if (lockouts.length > 0 && args.values['allow-lockout'] !== true) {
    throw new UserError(
      `refusing to apply: ${lockouts.map((w) => w.message).join('; ')}`,
      1,
      'if this is what you want, run again with --allow-lockout',
    );
  }
  if (args.values['auto-approve'] !== true) {
    if (io.stdin.isTTY !== true) {
      throw new UsageError('fwc apply needs a confirmation, and stdin is not a terminal', 'review the plan and run with --auto-approve');
    }
    if (!(await confirm(io))) {
      io.stdout.write('Apply cancelled; nothing was changed.\n');
      return 1;
    }
  }

  // The steps, then as many correcting rounds as it takes (at most MAX_CORRECTIONS) for a fresh read to
  // plan no change. A correction is planned, ordered and proven as the first round was: from the state
  // the account is in now, which was itself proven safe, to the policy.
  let ordered = orderFor(target.plan, target.account, target);
  let steps = 0;
  let firstRequest = 0;
  for (let round = 0; ; round++) {
    if (ordered.problems.length > 0) {
      throw new UserError(`refusing to apply: no safe order was found; ${ordered.problems[0]}`, 1, `${round === 0 ? 'nothing was changed' : 'what was done so far is safe'}; please report this plan`);
    }
    if (round === 0) {
      await checkScopes(connection, ordered.steps);
      firstRequest = connection.client.history.length;
    }
    const result = await executeSteps(ordered.steps, applyApi(connection.client), progressFor(io), io.signal);
    steps += result.done;
    if (result.stopped === 'interrupted') {
      io.stderr.write(`interrupted after ${result.done} of ${result.total} steps; every step done is safe on its own. Run \`fwc apply\` again to finish.\n`);
      return INTERRUPTED_EXIT;
    }
    if (result.stopped === 'failed') {
      const message = result.error instanceof ApiError ? result.error.message : String(result.error?.message ?? result.error);
      io.stderr.write(`error: step ${result.done + 1} of ${result.total} failed: ${message}\n  = help: ${result.done === 0 ? 'nothing was changed' : result.done === 1 ? 'the step before it is done and safe' : `the ${result.done} steps before it are done and safe`}; run \`fwc apply\` again to finish\n`);
      return 1;
    }
    if (args.values['no-wait'] !== true) {
      const applied = await api(() => waitApplied(io, connection, result.changed));
      if (!applied) io.stdout.write('note: some firewalls are still being applied by DigitalOcean; they will finish on their own.\n');
    }
    const account = await api(() => readAccount(connection.client));
    const again = planChanges(target.desired, account, target.policies);
    const left = differences(again);
    if (left.length === 0) break;
    if (round === MAX_CORRECTIONS) {
      summary(io, style, target, steps, mutationsSince(connection, firstRequest), connection);
      io.stderr.write(
        `error: after the apply the account still differs from the plan:\n${left.map((d) => `  - ${d}\n`).join('')}` +
          '  = help: every step made was proven safe; run `fwc apply` again to finish, and please report this if it persists\n',
      );
      return 1;
    }
    io.stdout.write(`note: the account differs from the plan after the steps (${left.join('; ')}); correcting it with proven steps\n`);
    ordered = orderFor(asPlan(target.plan, again, target.desired), account, target);
  }
  summary(io, style, target, steps, mutationsSince(connection, firstRequest), connection);
  io.stdout.write('A fresh plan shows no changes.\n');
  return 0;
}

/** How many correcting rounds follow the planned steps before apply gives up (exit 1). */
const MAX_CORRECTIONS = 2;

const MUTATING = new Set<string>(OPERATIONS.filter((o) => o.method !== 'GET').map((o) => o.operationId));

/** The changing requests sent since `from` in the client's history (retries count: each was sent). */
function mutationsSince(connection: Connection, from: number): number {
  return connection.client.history.slice(from).filter((h) => MUTATING.has(h.operation)).length;
}

/** What a fresh plan still shows, one line each. */
function differences(changes: ReturnType<typeof planChanges>): string[] {
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

/** The steps of a plan against an account, ordered and proven. */
function orderFor(plan: Plan, account: ReadAccount, target: Target) {
  const allFirewalls = [...account.firewalls.map((f) => f.firewall), ...target.desired.firewalls];
  const hosts = accountHosts(account, allFirewalls, target.namedAddresses, target.desired.databases.map((d) => d.name));
  return orderSteps({
    plan,
    account,
    hosts,
    classes: dropletClasses(account, allFirewalls),
    policy: target.policies[0] ?? 'fwc',
    databases: databaseAccess(account, target.desired),
  });
}

function summary(io: Io, style: typeof PLAIN, target: Target, steps: number, requests: number, connection: Connection): void {
  const s = target.doc.summary;
  io.stdout.write(
    `\n${style.bold('Apply complete!')} ${s.firewallsToCreate} created, ${s.firewallsToUpdate} updated, ${s.firewallsToDelete} destroyed` +
      `${s.tagsToCreate > 0 ? `; ${s.tagsToCreate} tag${s.tagsToCreate === 1 ? '' : 's'} created` : ''}` +
      `${s.databasesToUpdate > 0 ? `; ${s.databasesToUpdate} database${s.databasesToUpdate === 1 ? '' : 's'} updated` : ''}` +
      ` (${steps} step${steps === 1 ? '' : 's'}, ${requests} changing request${requests === 1 ? '' : 's'}` +
      `${connection.stats.rateLimited > 0 ? `, ${connection.stats.rateLimited} rate limits waited out` : ''}).\n`,
  );
}
