/**
 * `fwc import`, the phase: firewalls of an account to a policy that is exact or refused. Selects the
 * firewalls (select.ts), translates them (translate.ts), writes the text (write.ts), then proves it on
 * the reachability engine (prove.ts). Warnings the policy earns only because the account is so today
 * (an SSH port open to everyone) are acknowledged on their statement, so `fwc validate` is clean and the
 * reason says where they came from. An inexact result is refused, saying what and where; with best
 * effort it is written with each inexact statement marked.
 */
import type { ReadFirewall } from '../digitalocean/index.js';
import type { Account, LiveFirewall } from '../plan/index.js';
import { policyPrefix } from '../model/index.js';
import { isKubernetesFirewall } from '../check/index.js';
import { CODES } from '../diagnostics/index.js';
import { proveExact, type Difference, type Proof } from './prove.js';
import { selectFirewalls, type Selection } from './select.js';
import { translate } from './translate.js';
import { writePolicy, type Written } from './write.js';

export interface ImportInput {
  readonly account: Account;
  readonly names: readonly string[];
  readonly all: boolean;
  readonly policy: string;
  /** Where the firewalls come from, for the header: `the account at URL`. */
  readonly from: string;
  readonly bestEffort: boolean;
  readonly asOf: string;
  /** Restrict the candidates to these (from a Terraform state): none given, every firewall of the account. */
  readonly candidates?: readonly LiveFirewall[];
}

export interface ImportResult {
  /** The policy, or null when refused. */
  readonly text: string | null;
  /** Why it was refused (or, with best effort, what is inexact). */
  readonly problems: readonly string[];
  readonly imported: readonly string[];
  readonly skipped: readonly { readonly name: string; readonly why: string }[];
  readonly exact: boolean;
  /** Host pairs the proof compared. */
  readonly pairs: number;
}

function describeDifference(d: Difference): string {
  const verb = d.kind === 'gained' ? 'would newly let' : 'would no longer let';
  return `the policy ${verb} ${d.from} reach ${d.to} on ${d.services}; today: ${d.today.join('; ') || 'no rule'}; in the policy: ${d.policy.join('; ') || 'no rule'}`;
}

/** How many firewalls of a policy of the same name a refusal names before `…`. */
const OWNED_NAMES_LISTED = 5;

/** Warnings acknowledged where the import writes them: per statement index, and per restricted unit's egress. */
interface Acknowledged {
  readonly acknowledge: ReadonlyMap<number, string>;
  readonly egressAck: ReadonlyMap<string, string>;
}

export function importFirewalls(input: ImportInput): ImportResult {
  const selection = selectFirewalls(input.candidates ?? input.account.firewalls, input.names, input.all);
  const imported = () => selection.chosen.map((f) => f.name);
  const refuse = (problems: string[]): ImportResult => ({ text: null, problems, imported: imported(), skipped: selection.skipped, exact: false, pairs: 0 });
  const refused = selectionProblems(input, selection);
  if (refused.length > 0) return refuse(refused);

  const draft = translate(selection.chosen, input.account);
  const replaces = selection.chosen.filter((f) => !isKubernetesFirewall(f.name)).map((f) => f.name);
  const kept = selection.chosen.filter((f) => isKubernetesFirewall(f.name)).map((f) => f.name);
  const base = { policy: input.policy, draft, account: input.account, replaces, kept, from: input.from, skipped: selection.skipped };
  const prove = (w: Written) => proveExact(w.text, input.account, selection.chosen, input.asOf);

  // First the text, then the warnings it earns (acknowledged on their statements), then the proof.
  let written = writePolicy(base);
  let proof = prove(written);
  const acknowledged = acknowledgements(proof, written);
  if (acknowledged.acknowledge.size > 0 || acknowledged.egressAck.size > 0) {
    written = writePolicy({ ...base, ...acknowledged });
    proof = prove(written);
  }
  if (proof.diagnostics.length > 0) {
    return refuse(proof.diagnostics.map((d) => `the imported policy does not build: ${d.code.code} ${d.message}${d.primary ? ` (line ${d.primary.file.position(d.primary.span.start).line})` : ''}`));
  }

  const problems = [...written.problems.map((p) => `a rule of ${selection.chosen.length === 1 ? selection.chosen[0]!.name : 'the imported firewalls'} names ${p.what}: fwc can only name it by a unique name`), ...proof.differences.map(describeDifference)];
  if (problems.length === 0) {
    return { text: written.text, problems: [], imported: imported(), skipped: selection.skipped, exact: true, pairs: proof.pairs };
  }
  if (!input.bestEffort) return { ...refuse(problems), pairs: proof.pairs };
  const final = writePolicy({ ...base, ...acknowledged, inexact: inexactStatements(written, proof) });
  return { text: final.text, problems, imported: imported(), skipped: selection.skipped, exact: false, pairs: proof.pairs };
}

/** Why the selection cannot be imported at all (the first reason found), or nothing. */
function selectionProblems(input: ImportInput, selection: Selection): string[] {
  if (selection.problems.length > 0) return [...selection.problems];
  if (selection.chosen.length === 0) return ['no firewall to import: name some with --firewall NAME, or take every one with --all'];
  const unreadable = selection.chosen.flatMap((f) => ((f as ReadFirewall).problems ?? []).map((p) => `firewall ${f.name} (${f.id}): ${p}`));
  if (unreadable.length > 0) return unreadable;
  // The policy's name owns every firewall named fwc-<policy>-…: a policy of that name already applied
  // would have its firewalls taken over (and those the import does not make, deleted).
  const prefix = policyPrefix(input.policy).toLowerCase();
  const owned = input.account.firewalls.filter((f) => f.name.toLowerCase().startsWith(prefix) && !selection.chosen.includes(f));
  if (owned.length > 0) {
    const names = `${owned.slice(0, OWNED_NAMES_LISTED).map((f) => f.name).join(', ')}${owned.length > OWNED_NAMES_LISTED ? ', …' : ''}`;
    return [`the account has firewalls of a policy named \`${input.policy}\` already (${names}); the imported policy would take them over: choose another name with --policy`];
  }
  return [];
}

/** The statement written on a line of the text, by draft index. */
function statementAt(written: Written, line: number): number | undefined {
  return [...written.lines].find(([, l]) => l === line)?.[0];
}

/** The warnings the text earns only because the account is so today: the first on each statement, and DNS blocked (FW406) on a unit's egress. */
function acknowledgements(proof: Proof, written: Written): Acknowledged {
  const acknowledge = new Map<number, string>();
  for (const w of proof.warnings) {
    const line = w.primary ? w.primary.file.position(w.primary.span.start).line : null;
    const i = line !== null ? statementAt(written, line) : undefined;
    if (i !== undefined && !acknowledge.has(i)) acknowledge.set(i, w.code.code);
  }
  const egressAck = new Map<string, string>();
  for (const w of proof.warnings) {
    const unit = w.code.code === CODES.dnsBlocked.code ? /`([^`]+)`/.exec(w.message)?.[1] : undefined;
    if (unit) egressAck.set(unit, w.code.code);
  }
  return { acknowledge, egressAck };
}

/** Best effort: the statements that name what cannot be written, and those the differences trace to, with why. */
function inexactStatements(written: Written, proof: Proof): Map<number, string> {
  const inexact = new Map<number, string>();
  for (const p of written.problems) inexact.set(p.statement, `names ${p.what}`);
  for (const d of proof.differences) {
    for (const line of d.lines) {
      const i = statementAt(written, line);
      if (i !== undefined && !inexact.has(i)) inexact.set(i, `${d.kind === 'gained' ? 'newly lets' : 'no longer lets'} ${d.from} reach ${d.to} on ${d.services}`);
    }
  }
  return inexact;
}
