/**
 * `fwc import`: reads the account's firewalls (or a Terraform state's) and writes a policy that, applied
 * in place of them, changes nothing in who can reach whom — proven on the reachability engine before a
 * byte is written — or refuses, saying which firewall and rule cannot be said exactly.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { CommandSpec, ParsedArgs } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { apiToken, readAccount } from '../../digitalocean/index.js';
import { accountFromState, asName, importFirewalls, readState, terraformFirewalls } from '../../import/index.js';
import { API_URL_OPTION, api, connect } from '../account.js';
import { writeFileAtomic } from '../files.js';
import { AS_OF_OPTION, asOfDate } from '../report.js';

/** How many imported firewalls the summary line names. */
const NAMED_FIREWALLS = 8;

export const spec: CommandSpec = {
  name: 'import',
  usage: 'fwc import [--firewall NAME…] [--all] [--policy NAME] [--api-url URL] [--from-terraform FILE] [--out FILE] [--best-effort]',
  summary: 'Write a policy that does exactly what existing firewalls do, to replace them with no change in reachability.',
  description:
    'Reads the account (a read-only token is enough) and writes a policy whose firewalls, applied in place of\n' +
    'the imported ones, give every droplet exactly the reachability it has today. The policy names each\n' +
    'imported firewall in `replaces firewall "NAME"`, so `fwc apply` deletes it once the policy\'s firewalls\n' +
    'stand. Firewalls DigitalOcean Kubernetes makes (k8s-…) are imported only when named. The result is\n' +
    'proven exact before it is written; if it cannot be, nothing is written (unless --best-effort).',
  options: {
    firewall: { type: 'string', value: 'NAME', multiple: true, description: 'import this firewall (repeat for more)' },
    all: { type: 'boolean', description: 'import every firewall but k8s-… and fwc-… ones' },
    policy: { type: 'string', value: 'NAME', description: 'the policy name (default: the --out file name, else `imported`)' },
    'api-url': API_URL_OPTION,
    'from-terraform': { type: 'string', value: 'FILE', description: 'import the digitalocean_firewall resources of a Terraform state (`terraform show -json` or terraform.tfstate)' },
    out: { type: 'string', value: 'FILE', description: 'write the policy here (default: standard output); an existing file is not overwritten' },
    'best-effort': { type: 'boolean', description: 'write even an inexact result, each inexact statement marked' },
    'as-of': AS_OF_OPTION,
  },
  exitCodes: '0  written, exact\n1  refused (not exact, or nothing to import), or errors (token, API, files)\n2  usage error\n3  written with --best-effort, inexact',
};

export const INEXACT_EXIT = 3;

export async function run(args: ParsedArgs, io: Io): Promise<number> {
  const asOf = asOfDate(args.values['as-of'], spec.name);
  const request = importRequest(args, io);
  const source = await sourceOf(args, io, request);
  if (typeof source === 'number') return source;
  const { names, all, terraform, out, policy } = request;
  const result = importFirewalls({
    account: source.account,
    names: source.chosen,
    all: all || (terraform !== undefined && names.length === 0),
    policy,
    from: source.from,
    bestEffort: args.values['best-effort'] === true,
    asOf,
    ...(source.candidates ? { candidates: source.candidates } : {}),
  });
  for (const s of result.skipped) io.stderr.write(`note: left ${s.name} in place: ${s.why}\n`);
  if (result.text === null) {
    io.stderr.write(`error: the import would not be exact; nothing was written\n${result.problems.map((p) => `  - ${p}\n`).join('')}`);
    io.stderr.write('  = help: rerun with --best-effort to write it anyway, each inexact statement marked for review\n');
    return 1;
  }
  write(io, out, result.text);
  const shown = result.imported.length > NAMED_FIREWALLS ? `${result.imported.slice(0, NAMED_FIREWALLS).join(', ')}, …` : result.imported.join(', ');
  const what = `${result.imported.length} firewall${result.imported.length === 1 ? '' : 's'} (${shown})`;
  if (!result.exact) {
    io.stderr.write(`warning: imported ${what}${out ? ` to ${out}` : ''}, NOT exact:\n${result.problems.map((p) => `  - ${p}\n`).join('')}`);
    return INEXACT_EXIT;
  }
  io.stderr.write(`imported ${what}${out ? ` to ${out}` : ''}: proven exact on ${result.pairs} host pairs. Next: review it, then \`fwc plan${out ? ` ${out}` : ''}\` and \`fwc apply${out ? ` ${out}` : ''}\`.\n`);
  return 0;
}

interface ImportRequest {
  readonly names: readonly string[];
  readonly all: boolean;
  readonly terraform: string | undefined;
  readonly out: string | undefined;
  readonly policy: string;
}

/** What the flags ask for, checked before anything is read. */
function importRequest(args: ParsedArgs, io: Io): ImportRequest {
  const names = (args.values.firewall as string[] | undefined) ?? [];
  const all = args.values.all === true;
  const terraform = args.values['from-terraform'] as string | undefined;
  if (args.positionals.length > 0) throw new UsageError(`fwc import takes no paths (got ${args.positionals.join(' ')})`, 'write the policy with --out FILE');
  if (names.length === 0 && !all && !terraform) throw new UsageError('say which firewalls to import', 'name them with --firewall NAME, or take every one with --all');
  const out = args.values.out as string | undefined;
  if (out && existsSync(resolve(io.cwd, out))) throw new UserError(`${out} exists; fwc import does not overwrite a file`, 1, 'choose another --out, or move the file away');
  const policy = asName((args.values.policy as string | undefined) ?? (out ? basename(out).replace(/\.fw$/i, '') : 'imported'));
  if (args.values.policy !== undefined && policy !== args.values.policy) {
    throw new UsageError(`--policy takes a name of letters, digits, \`-\`, \`_\` and \`:\` (got '${String(args.values.policy)}')`, `try --policy ${policy}`);
  }
  return { names, all, terraform, out, policy };
}

interface ImportSource {
  readonly account: ReturnType<typeof accountFromState>;
  /** The firewalls named on the command line (none when a Terraform state gives them). */
  readonly chosen: readonly string[];
  readonly candidates?: ReturnType<typeof terraformFirewalls>['firewalls'];
  /** Where the firewalls come from, for the policy's header. */
  readonly from: string;
}

/**
 * The account (read, or a Terraform state standing for it) and the firewalls to take from it. With a
 * Terraform state and no token, the state is the account: its droplets, load balancers, clusters, VPCs
 * and firewalls (the proof is then against the state; `fwc plan` judges the account).
 */
async function sourceOf(args: ParsedArgs, io: Io, { names, terraform }: ImportRequest): Promise<ImportSource | number> {
  let offline = false;
  try {
    apiToken(io.env);
  } catch {
    offline = terraform !== undefined;
  }
  let stateDoc: unknown;
  if (terraform) {
    const read = readState(resolve(io.cwd, terraform));
    if ('problem' in read) throw new UserError(`cannot import ${terraform}: ${read.problem}; nothing was written`);
    stateDoc = read.doc;
  }
  const connection = offline ? null : connect(io, args.values['api-url']);
  const account = connection ? await api(() => readAccount(connection.client)) : accountFromState(stateDoc);
  if (offline) io.stderr.write(`note: no DigitalOcean token: the names and the proof come from ${terraform} alone; \`fwc plan\` then judges the policy against the account\n`);
  if (!terraform) return { account, chosen: names, from: connection ? `the account at ${connection.apiUrl}` : '' };
  const state = terraformFirewalls(resolve(io.cwd, terraform), account, stateDoc);
  for (const note of state.notes) io.stderr.write(`note: ${note}\n`);
  if (state.problems.length > 0) {
    io.stderr.write(`error: cannot import ${terraform}; nothing was written\n${state.problems.map((p) => `  - ${p}\n`).join('')}`);
    return 1;
  }
  const from = `the Terraform state ${basename(terraform)} (${state.firewalls.length} digitalocean_firewall resource${state.firewalls.length === 1 ? '' : 's'}),\n${connection ? `resolved against the account at ${connection.apiUrl}` : 'resolved against the state alone (no token was given)'}`;
  return { account, chosen: names.length === 0 ? [] : names, candidates: state.firewalls, from };
}

/** The policy to --out (atomically, never over a file), or to stdout. */
function write(io: Io, out: string | undefined, text: string): void {
  if (!out) {
    io.stdout.write(text);
    return;
  }
  try {
    writeFileAtomic(resolve(io.cwd, out), text);
  } catch (error) {
    throw new UserError(`cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, 1, 'choose a path you can write, with --out');
  }
}
