/**
 * The policy text of an import: a header that says where it came from, the declarations (tags, droplet
 * sets, replaced firewalls, address lists and services used more than once, egress), then the grants and
 * guardrails, each with a comment naming the firewalls it came from. Laid out by `fwc fmt`'s printer.
 */
import { format, parse } from '../syntax/index.js';
import { SourceFile } from '../source/index.js';
import type { Account } from '../plan/index.js';
import { NameBook, dropletRef, endText, serviceItems, setStem } from './names.js';
import type { Draft, DraftStatement, End } from './translate.js';

export interface WriteInput {
  readonly policy: string;
  readonly draft: Draft;
  readonly account: Account;
  /** Imported firewalls the policy replaces (all but the `k8s-…` ones named on purpose). */
  readonly replaces: readonly string[];
  /** Imported firewalls kept in place (a Kubernetes cluster's), and why. */
  readonly kept: readonly string[];
  /** Where the firewalls were read: `the account at URL`, `terraform.tfstate`. */
  readonly from: string;
  /** Statement indexes (into draft.statements) to mark as inexact, with why. */
  readonly inexact?: ReadonlyMap<number, string>;
  /** Per statement index, a warning code to acknowledge (the import writes what is there today). */
  readonly acknowledge?: ReadonlyMap<number, string>;
  /** Per restricted unit (its name in the policy), a warning code to acknowledge on its egress. */
  readonly egressAck?: ReadonlyMap<string, string>;
  /** Lines for the header about firewalls left in place. */
  readonly skipped?: readonly { readonly name: string; readonly why: string }[];
}

export interface Written {
  readonly text: string;
  /** The 1-based line of each statement (by draft index) in `text`. */
  readonly lines: ReadonlyMap<number, number>;
  /** Endpoints that cannot be written exactly (what, and the statement). */
  readonly problems: readonly { readonly statement: number; readonly what: string }[];
}

const comment = (text: string) => `# ${text}`;

/** A list gets a declaration of its own when it has at least this many items (one reads well inline)… */
const MIN_ITEMS_TO_DECLARE = 2;
/** …and at least this many statements use it (or, for addresses, it stands for what this many firewalls each listed). */
const MIN_USES_TO_DECLARE = 2;
/** Prometheus exporters take 9100-9999 by convention (node 9100, process 9256, …). */
const EXPORTER_PORTS = { from: 9100, to: 9999 } as const;

const isAddress = (t: string) => /^[0-9a-fA-F:.]+(\/[0-9]+)?$/.test(t) && /[.:]/.test(t);

/** Lists declared once under a name: the declarations in order, and the name of each list's text. */
interface Declared {
  readonly decls: readonly { readonly name: string; readonly list: string }[];
  readonly nameOf: ReadonlyMap<string, string>;
}

/** Every name the text uses, given before a line is written, in the order the NameBook hands them out. */
interface Naming {
  /** Droplet set key → its name in the policy. */
  readonly setNames: ReadonlyMap<string, string>;
  /** Per statement, its sources and its destinations as text. */
  readonly ends: readonly (readonly [readonly string[], readonly string[]])[];
  /** Per statement, its service items as text. */
  readonly services: readonly (readonly string[])[];
  readonly addressLists: Declared;
  readonly serviceLists: Declared;
  readonly problems: readonly { readonly statement: number; readonly what: string }[];
}

export function writePolicy(input: WriteInput): Written {
  const naming = nameEverything(input);
  const raw = [...headerLines(input), ...declarationLines(input, naming), ...statementLines(input, naming)].join('\n') + '\n';
  const { text, lines } = layOut(raw);
  return { text, lines, problems: naming.problems };
}

function nameEverything(input: WriteInput): Naming {
  const { draft, account } = input;
  const book = new NameBook(input.policy);
  for (const t of draft.tags) book.reserve(t.tag);
  const setNames = new Map<string, string>();
  for (const s of draft.sets) setNames.set(s.key, book.fresh(setStem(s, account)));

  const problems: { statement: number; what: string }[] = [];
  const ends = draft.statements.map((st, i) => {
    const text = (list: readonly End[]) =>
      list.map((e) => {
        const t = endText(e, account, setNames);
        if (typeof t === 'string') return t;
        problems.push({ statement: i, what: t.inexact });
        return `droplet 0`;
      });
    return [text(st.sources), text(st.dests)] as const;
  });
  const services = draft.statements.map((st) => serviceItems(st.services));
  const addressLists = declareAddressLists(draft, services, ends, book);
  const serviceLists = declareServiceLists(draft, services, ends, book);
  return { setNames, ends, services, addressLists, serviceLists, problems };
}

/** Address lists used by two statements or more, or standing for what several firewalls each listed. */
function declareAddressLists(draft: Draft, services: Naming['services'], ends: Naming['ends'], book: NameBook): Declared {
  const uses = new Map<string, { count: number; first: number; side: 'sources' | 'dests' }>();
  ends.forEach(([src, dst], i) => {
    for (const [list, side] of [[src, 'sources'], [dst, 'dests']] as const) {
      const addrs = list.filter(isAddress);
      if (addrs.length < MIN_ITEMS_TO_DECLARE) continue;
      const key = addrs.join(', ');
      const e = uses.get(key) ?? { count: 0, first: i, side };
      e.count++;
      uses.set(key, e);
    }
  });
  const decls: { name: string; list: string }[] = [];
  const nameOf = new Map<string, string>();
  for (const [list, { count, first, side }] of uses) {
    const st = draft.statements[first]!;
    if (count < MIN_USES_TO_DECLARE && st.origins.length < MIN_USES_TO_DECLARE) continue;
    // Named for the one named service they reach (`postgres-clients`), else for the firewall they came from.
    const only = services[first]!;
    const service = only.length === 1 && !/^\d|^(tcp|udp|icmp|all)/.test(only[0]!) ? only[0]! : null;
    const name = book.fresh(service && side === 'sources' ? `${service}-clients` : `${st.origins[0]}-${side === 'sources' ? 'sources' : 'destinations'}`);
    nameOf.set(list, name);
    decls.push({ name, list });
  }
  return { decls, nameOf };
}

/** Service lists of several items used by two statements or more; two named services (`http, https`) read well inline. */
function declareServiceLists(draft: Draft, services: Naming['services'], ends: Naming['ends'], book: NameBook): Declared {
  const uses = new Map<string, { count: number; first: number }>();
  services.forEach((items, i) => {
    const namedPair = items.length === MIN_ITEMS_TO_DECLARE && items.every((x) => /^[a-z]/.test(x) && !/^(tcp|udp)/.test(x));
    if (items.length < MIN_ITEMS_TO_DECLARE || namedPair) return;
    const key = items.join(', ');
    const e = uses.get(key) ?? { count: 0, first: i };
    e.count++;
    uses.set(key, e);
  });
  const decls: { name: string; list: string }[] = [];
  const nameOf = new Map<string, string>();
  for (const [list, { count, first }] of uses) {
    if (count < MIN_USES_TO_DECLARE) continue;
    // Named for the unit they reach (`web-ports`), else for the firewall they came from.
    const st = draft.statements[first]!;
    const dst = st.dests.length === 1 && (st.dests[0]!.kind === 'unit-tag' || st.dests[0]!.kind === 'unit-set') ? ends[first]![1][0]!.replace(/"/g, '') : st.origins[0]!;
    const name = book.fresh(wellKnown(list) ?? `${dst}-ports`);
    nameOf.set(list, name);
    decls.push({ name, list });
  }
  return { decls, nameOf };
}

/** Where the policy came from, whether it is exact, what was left in place or out, then the `policy` line. */
function headerLines(input: WriteInput): string[] {
  const out: string[] = [];
  input.from.split('\n').forEach((line, i, all) => out.push(comment(`${i === 0 ? 'Imported by `fwc import` from ' : ''}${line}${i === all.length - 1 ? '.' : ''}`)));
  if (input.inexact && input.inexact.size > 0) {
    out.push(comment('NOT EXACT (written with --best-effort): the statements marked INEXACT below change who can reach'));
    out.push(comment('whom; `fwc plan` shows how. Fix them before `fwc apply`.'));
  } else {
    out.push(comment('Applied in place of the replaced firewalls, it gives every droplet the reachability it has today;'));
    out.push(comment('`fwc plan` shows "No reachability changes." Review it, then `fwc plan` and `fwc apply`.'));
  }
  for (const s of input.skipped ?? []) {
    out.push(comment(`Left in place: ${s.name}`));
    out.push(comment(`  (${s.why}).`));
  }
  for (const k of input.kept) {
    out.push(comment(`Imported, and left in place: ${k}`));
    out.push(comment('  (DigitalOcean Kubernetes makes it itself: it cannot be replaced; the policy holds the same rules).'));
  }
  if (input.draft.deadRules.length > 0) {
    out.push(comment('Left out, since other rules let nothing through them today (and a grant would open the other side):'));
    for (const d of input.draft.deadRules) out.push(comment(`  ${d}`));
  }
  out.push(`policy ${JSON.stringify(input.policy)}`);
  out.push('');
  return out;
}

/** Tags, droplet sets, replaced firewalls, named address and service lists, then egress. */
function declarationLines(input: WriteInput, naming: Naming): string[] {
  const { draft, account } = input;
  const out: string[] = [];
  if (draft.tags.length > 0) out.push(`tags ${draft.tags.map((t) => JSON.stringify(t.tag)).join(', ')}`);
  for (const s of draft.sets) {
    out.push(`droplets ${JSON.stringify(naming.setNames.get(s.key)!)} = ${s.ids.map((id) => dropletRef(id, account)).join(', ')}  ${comment(`applied by id in ${s.firewalls.join(', ')}`)}`);
  }
  if (input.replaces.length > 0) {
    out.push('');
    for (const r of input.replaces) out.push(`replaces firewall ${JSON.stringify(r)}`);
  }
  if (naming.addressLists.decls.length + naming.serviceLists.decls.length > 0) out.push('');
  for (const d of naming.addressLists.decls) out.push(`addresses ${JSON.stringify(d.name)} = ${d.list}`);
  for (const d of naming.serviceLists.decls) out.push(`service ${JSON.stringify(d.name)} = ${d.list}`);
  return [...out, ...egressLines(input, naming)];
}

function egressLines(input: WriteInput, naming: Naming): string[] {
  const { draft } = input;
  const unitName = (u: End) => (u.kind === 'unit-tag' ? u.tag : u.kind === 'unit-set' ? naming.setNames.get(u.set)! : '');
  const restricted = draft.restricted.map(unitName);
  if (restricted.length === 0) return [];
  const out = [''];
  // A unit whose egress earns a warning gets a line of its own, where the warning is acknowledged.
  const plain = restricted.filter((u) => !input.egressAck?.has(u));
  if (plain.length > 0) out.push(`egress from ${plain.map((u) => JSON.stringify(u)).join(', ')} is restricted`);
  for (const u of restricted.filter((x) => input.egressAck?.has(x))) {
    const firewalls = [...draft.tags.filter((t) => t.tag === u).flatMap((t) => t.firewalls), ...draft.sets.filter((x) => naming.setNames.get(x.key) === u).flatMap((x) => x.firewalls)];
    out.push(`egress from ${JSON.stringify(u)} is restricted  # fwc-ignore ${input.egressAck!.get(u)}: as ${firewalls.join(', ')} ${firewalls.length === 1 ? 'has' : 'have'} it today`);
  }
  return out;
}

/** The grants and guardrails, a blank line between those of different firewalls, each saying where it came from. */
function statementLines(input: WriteInput, naming: Naming): string[] {
  const out: string[] = [];
  // A declared address list stands in for its addresses, after the other endpoints of the side.
  const named = (items: readonly string[]) => {
    const addrs = items.filter(isAddress);
    const name = addrs.length >= MIN_ITEMS_TO_DECLARE ? naming.addressLists.nameOf.get(addrs.join(', ')) : undefined;
    return name ? [...items.filter((x) => !isAddress(x)), JSON.stringify(name)] : items;
  };
  let previous = '';
  input.draft.statements.forEach((st: DraftStatement, i) => {
    const origin = st.origins.join(', ');
    if (origin !== previous) {
      out.push('');
      previous = origin;
    }
    const [src, dst] = naming.ends[i]!;
    const items = naming.services[i]!;
    const svc = naming.serviceLists.nameOf.get(items.join(', '));
    const on = svc ? JSON.stringify(svc) : items.join(', ');
    const why = input.inexact?.get(i);
    if (why) out.push(comment(`INEXACT (fwc import --best-effort): ${why}`));
    const ack = input.acknowledge?.get(i);
    const trailing = ack ? `# fwc-ignore ${ack}: as ${origin} has it today` : comment(`from ${origin}`);
    out.push(`${named(src).join(', ')} ${st.effect === 'allow' ? 'may' : 'must not'} reach ${named(dst).join(', ')} on ${on}  ${trailing}`);
  });
  return out;
}

/** The text as `fwc fmt` lays it out, and the line of each statement in it. */
function layOut(raw: string): Pick<Written, 'text' | 'lines'> {
  const parsed = parse(new SourceFile('import.fw', raw));
  if (parsed.diagnostics.length > 0) throw new Error(`internal: the imported policy does not parse: ${parsed.diagnostics[0]!.message}\n${raw}`);
  const text = format(parsed.value);
  // `fwc fmt` may wrap a long list over lines: the line of each statement is found again in the
  // formatted text, by order (the rules are written in the draft's order).
  const formatted = parse(new SourceFile('import.fw', text)).value;
  const rules = formatted.statements.filter((s) => s.kind === 'Rule');
  const lines = new Map<number, number>();
  rules.forEach((r, i) => lines.set(i, formatted.source.position(r.span.start).line));
  return { text, lines };
}

/** A name for a port list that says what it is, where its ports all say the same thing. */
function wellKnown(list: string): string | null {
  const ports = list.split(', ').map((p) => (/^\d+(-\d+)?$/.test(p) ? Number(p.split('-')[0]) : NaN));
  if (ports.some(Number.isNaN)) return null;
  if (ports.every((p) => p >= EXPORTER_PORTS.from && p <= EXPORTER_PORTS.to)) return 'metrics';
  return null;
}
