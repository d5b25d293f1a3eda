/**
 * `fwc apply [PATH… | PLANFILE]`: makes the account match the policies. It plans (or recomputes a saved
 * plan from what it will execute), shows the plan, refuses a lockout without --allow-lockout, asks (or
 * takes --auto-approve), and hands the rest to digitalocean/applyPlan.ts — scopes, the proven steps,
 * waiting, correcting rounds — then prints what happened and exits with its code.
 */
import { createInterface } from 'node:readline';
import { match } from 'ts-pattern';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { type Io, useColor } from '../io.js';
import { ANSI, PLAIN, printable } from '../../diagnostics/index.js';
import { ApiError, type ApplyOutcome, applyPlan, type ApplyProgress, firewallFromApi, readAccount, type ReadAccount } from '../../digitalocean/index.js';
import { type Firewall, isBridgeName, ownsFirewall, parseAddress, policyPrefix, type TrustedSource } from '../../model/index.js';
import { type accountHosts, databaseFingerprint, hasChanges, isGuardWarning, type Plan, planDocument, type PlanDocument, renderText, replanSaved, type ResolvedDesired, type RuleDoc, warningFromDocument } from '../../plan/index.js';
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
    warnings: doc.warnings.filter((w) => isGuardWarning(warningFromDocument(w)!)),
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
  // Every saved warning names a plan warning (checkDocument.ts refuses a file where one does not).
  const savedWarnings = doc.warnings.map((w) => warningFromDocument(w)!);
  const plan = replanSaved({ desired, account, policies: doc.policies, addressBlocks, otherWarnings: savedWarnings.filter((w) => !isGuardWarning(w)) });
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

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const connection = connect(io, args.values['api-url']);
  const style = useColor(io.stdout, io.env) ? ANSI : PLAIN;
  const target = await targetOf(args, io, connection, asOf);
  if (typeof target === 'number') return target;

  io.stdout.write(renderText(target.doc, style));
  if (!hasChanges(target.plan)) return 0;
  guardLockouts(target, args.values['allow-lockout'] === true);
  if (args.values['auto-approve'] !== true && !(await approved(io))) {
    io.stdout.write('Apply cancelled; nothing was changed.\n');
    return 1;
  }

  const events = { ...progressFor(io),
    waiting: (n: number) => io.stdout.write(`waiting for DigitalOcean to apply ${n} firewall${n === 1 ? '' : 's'}…\n`),
    stillApplying: () => io.stdout.write('note: some firewalls are still being applied by DigitalOcean; they will finish on their own.\n'),
    correcting: (left: readonly string[]) => io.stdout.write(`note: the account differs from the plan after the steps (${left.join('; ')}); correcting it with proven steps\n`),
  };
  const outcome = await api(() =>
    applyPlan(
      { client: connection.client, plan: target.plan, account: target.account, desired: target.desired, policies: target.policies, namedAddresses: target.namedAddresses, wait: args.values['no-wait'] !== true, signal: io.signal },
      events,
    ),
  );
  return report(outcome, io, style, target, connection);
}

/** What to apply: a saved plan (one `.json` argument), or a plan of the policy files made now. */
async function targetOf(args: ParsedArgs, io: Io, connection: Connection, asOf: string): Promise<Target | number> {
  const first = args.positionals[0];
  if (args.positionals.length === 1 && first !== undefined && first.endsWith('.json')) return targetFromPlanFile(io, connection, first);
  const planned = await planPolicies(io, connection, args.positionals, asOf, args.values.diagnostics);
  if (!planned) return 1;
  return {
    plan: planned.plan,
    desired: planned.desired,
    account: planned.account,
    policies: planned.built.map((b) => b.policy.name),
    namedAddresses: planned.built.map((b) => b.policy),
    doc: planDocument(planned.plan),
  };
}

/** Refuses a plan that leaves droplets with no firewall or without SSH, unless told otherwise. */
function guardLockouts(target: Target, allowed: boolean): void {
  // For a saved plan these warnings were recomputed from what will be executed (targetFromPlanFile).
  const lockouts = target.plan.warnings.filter(isGuardWarning);
  if (lockouts.length === 0 || allowed) return;
  throw new UserError(`refusing to apply: ${lockouts.map((w) => w.message).join('; ')}`, 1, 'if this is what you want, run again with --allow-lockout');
}

/** Asks on the terminal; without one, there is nobody to ask. */
async function approved(io: Io): Promise<boolean> {
  if (io.stdin.isTTY !== true) {
    throw new UsageError('fwc apply needs a confirmation, and stdin is not a terminal', 'review the plan and run with --auto-approve');
  }
  return confirm(io);
}

/** The outcome for the person at the terminal, and the exit code. */
function report(outcome: ApplyOutcome, io: Io, style: typeof PLAIN, target: Target, connection: Connection): number {
  return match(outcome)
    .with({ kind: 'no-safe-order' }, (o) => {
      throw new UserError(`refusing to apply: no safe order was found; ${o.problem}`, 1, `${o.round === 0 ? 'nothing was changed' : 'what was done so far is safe'}; please report this plan`);
    })
    .with({ kind: 'missing-scopes' }, (o) => {
      throw new UserError(
        `the token lacks the scope${o.scopes.length > 1 ? 's' : ''} ${o.scopes.join(', ')} that this apply needs; nothing was changed`,
        1,
        'use a token with write scopes for firewalls (and tags, databases where the plan changes them)',
      );
    })
    .with({ kind: 'interrupted' }, (o) => {
      io.stderr.write(`interrupted after ${o.done} of ${o.total} steps; every step done is safe on its own. Run \`fwc apply\` again to finish.\n`);
      return INTERRUPTED_EXIT;
    })
    .with({ kind: 'failed' }, (o) => {
      const message = o.error instanceof ApiError ? o.error.message : String(o.error.message ?? o.error);
      io.stderr.write(`error: step ${o.done + 1} of ${o.total} failed: ${message}\n  = help: ${o.done === 0 ? 'nothing was changed' : o.done === 1 ? 'the step before it is done and safe' : `the ${o.done} steps before it are done and safe`}; run \`fwc apply\` again to finish\n`);
      return 1;
    })
    .with({ kind: 'diverged' }, (o) => {
      summary(io, style, target, o.steps, o.requests, connection);
      io.stderr.write(
        `error: after the apply the account still differs from the plan:\n${o.differences.map((d) => `  - ${d}\n`).join('')}` +
          '  = help: every step made was proven safe; run `fwc apply` again to finish, and please report this if it persists\n',
      );
      return 1;
    })
    .with({ kind: 'applied' }, (o) => {
      summary(io, style, target, o.steps, o.requests, connection);
      io.stdout.write('A fresh plan shows no changes.\n');
      return 0;
    })
    .exhaustive();
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
