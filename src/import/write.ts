/**
 * The policy text of an import: a header that says where it came from, the declarations (tags, droplet
 * sets, replaced firewalls, address lists and services used more than once, egress), then the grants and
 * guardrails, each with a comment naming the firewalls it came from. Laid out by `fwc fmt`'s printer.
 */
import { format, parse } from '../syntax/index.js';
import { SourceFile } from '../source/index.js';
import type { Account } from '../plan/index.js';
import { NameBook, dropletRef, endText, serviceItems, setStem } from './names.js';
import type { Draft, DraftStatement } from './translate.js';

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

export function writePolicy(input: WriteInput): Written {
  const { draft, account } = input;
  const book = new NameBook(input.policy);
  for (const t of draft.tags) book.reserve(t.tag);
  const setNames = new Map<string, string>();
  for (const s of draft.sets) setNames.set(s.key, book.fresh(setStem(s, account)));

  const problems: { statement: number; what: string }[] = [];
  // Endpoint lists and service lists of every statement, as text.
  const ends = draft.statements.map((st, i) =>
    [st.sources, st.dests].map((list) =>
      list.map((e) => {
        const t = endText(e, account, setNames);
        if (typeof t === 'string') return t;
        problems.push({ statement: i, what: t.inexact });
        return `droplet 0`;
      }),
    ),
  );
  const services = draft.statements.map((st) => serviceItems(st.services));

  // Address lists (two or more addresses) and multi-item service lists used by two statements or more.
  const addressLists = new Map<string, { count: number; first: number; side: 'sources' | 'dests' }>();
  const isAddress = (t: string) => /^[0-9a-fA-F:.]+(\/[0-9]+)?$/.test(t) && /[.:]/.test(t);
  ends.forEach(([src, dst], i) => {
    for (const [list, side] of [[src!, 'sources'], [dst!, 'dests']] as const) {
      const addrs = list.filter(isAddress);
      if (addrs.length < 2) continue;
      const key = addrs.join(', ');
      const e = addressLists.get(key) ?? { count: 0, first: i, side };
      e.count++;
      addressLists.set(key, e);
    }
  });
  const addressDecls: { name: string; list: string }[] = [];
  const addressName = new Map<string, string>();
  for (const [list, { count, first, side }] of addressLists) {
    // Declared when used twice, or when it stands for what several firewalls each listed.
    if (count < 2 && draft.statements[first]!.origins.length < 2) continue;
    const st = draft.statements[first]!;
    const service = services[first]!.length === 1 && !/^\d|^(tcp|udp|icmp|all)/.test(services[first]![0]!) ? services[first]![0]! : null;
    const name = book.fresh(service && side === 'sources' ? `${service}-clients` : `${st.origins[0]}-${side === 'sources' ? 'sources' : 'destinations'}`);
    addressName.set(list, name);
    addressDecls.push({ name, list });
  }
  const serviceLists = new Map<string, { count: number; first: number }>();
  services.forEach((items, i) => {
    if (items.length < 2 || (items.length === 2 && items.every((x) => /^[a-z]/.test(x) && !/^(tcp|udp)/.test(x)))) return;
    const key = items.join(', ');
    const e = serviceLists.get(key) ?? { count: 0, first: i };
    e.count++;
    serviceLists.set(key, e);
  });
  const serviceDecls: { name: string; list: string }[] = [];
  const serviceName = new Map<string, string>();
  for (const [list, { count, first }] of serviceLists) {
    if (count < 2) continue;
    const st = draft.statements[first]!;
    const dst = st.dests.length === 1 && (st.dests[0]!.kind === 'unit-tag' || st.dests[0]!.kind === 'unit-set') ? ends[first]![1]![0]!.replace(/"/g, '') : st.origins[0]!;
    const name = book.fresh(wellKnown(list) ?? `${dst}-ports`);
    serviceName.set(list, name);
    serviceDecls.push({ name, list });
  }

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
  if (draft.deadRules.length > 0) {
    out.push(comment('Left out, since other rules let nothing through them today (and a grant would open the other side):'));
    for (const d of draft.deadRules) out.push(comment(`  ${d}`));
  }
  out.push(`policy ${JSON.stringify(input.policy)}`);
  out.push('');
  if (draft.tags.length > 0) out.push(`tags ${draft.tags.map((t) => JSON.stringify(t.tag)).join(', ')}`);
  for (const s of draft.sets) {
    out.push(`droplets ${JSON.stringify(setNames.get(s.key)!)} = ${s.ids.map((id) => dropletRef(id, account)).join(', ')}  ${comment(`applied by id in ${s.firewalls.join(', ')}`)}`);
  }
  if (input.replaces.length > 0) {
    out.push('');
    for (const r of input.replaces) out.push(`replaces firewall ${JSON.stringify(r)}`);
  }
  if (addressDecls.length + serviceDecls.length > 0) out.push('');
  for (const d of addressDecls) out.push(`addresses ${JSON.stringify(d.name)} = ${d.list}`);
  for (const d of serviceDecls) out.push(`service ${JSON.stringify(d.name)} = ${d.list}`);
  const unitName = (u: (typeof draft.restricted)[number]) => (u.kind === 'unit-tag' ? u.tag : u.kind === 'unit-set' ? setNames.get(u.set)! : '');
  const restricted = draft.restricted.map(unitName);
  if (restricted.length > 0) {
    out.push('');
    // A unit whose egress earns a warning gets a line of its own, where the warning is acknowledged.
    const plain = restricted.filter((u) => !input.egressAck?.has(u));
    if (plain.length > 0) out.push(`egress from ${plain.map((u) => JSON.stringify(u)).join(', ')} is restricted`);
    for (const u of restricted.filter((x) => input.egressAck?.has(x))) {
      const firewalls = [...draft.tags.filter((t) => t.tag === u).flatMap((t) => t.firewalls), ...draft.sets.filter((x) => setNames.get(x.key) === u).flatMap((x) => x.firewalls)];
      out.push(`egress from ${JSON.stringify(u)} is restricted  # fwc-ignore ${input.egressAck!.get(u)}: as ${firewalls.join(', ')} ${firewalls.length === 1 ? 'has' : 'have'} it today`);
    }
  }

  let previous = '';
  draft.statements.forEach((st: DraftStatement, i) => {
    const origin = st.origins.join(', ');
    if (origin !== previous) {
      out.push('');
      previous = origin;
    }
    const [src, dst] = ends[i]!;
    const list = (items: string[]) => {
      const addrs = items.filter(isAddress);
      const name = addrs.length >= 2 ? addressName.get(addrs.join(', ')) : undefined;
      return name ? [...items.filter((x) => !isAddress(x)), JSON.stringify(name)] : items;
    };
    const items = services[i]!;
    const svc = serviceName.get(items.join(', '));
    const on = svc ? JSON.stringify(svc) : items.join(', ');
    const why = input.inexact?.get(i);
    if (why) out.push(comment(`INEXACT (fwc import --best-effort): ${why}`));
    const ack = input.acknowledge?.get(i);
    const trailing = ack ? `# fwc-ignore ${ack}: as ${origin} has it today` : comment(`from ${origin}`);
    out.push(`${list(src!).join(', ')} ${st.effect === 'allow' ? 'may' : 'must not'} reach ${list(dst!).join(', ')} on ${on}  ${trailing}`);
  });
  const raw = out.join('\n') + '\n';
  const parsed = parse(new SourceFile('import.fw', raw));
  if (parsed.diagnostics.length > 0) throw new Error(`internal: the imported policy does not parse: ${parsed.diagnostics[0]!.message}\n${raw}`);
  const text = format(parsed.value);
  // `fwc fmt` may wrap a long list over lines: the line of each statement is found again in the
  // formatted text, by order (the rules are written in the draft's order).
  const formatted = parse(new SourceFile('import.fw', text)).value;
  const rules = formatted.statements.filter((s) => s.kind === 'Rule');
  const found = new Map<number, number>();
  rules.forEach((r, i) => found.set(i, formatted.source.position(r.span.start).line));
  return { text, lines: found, problems };
}

/** A name for a port list that says what it is, where its ports all say the same thing. */
function wellKnown(list: string): string | null {
  const ports = list.split(', ').map((p) => (/^\d+(-\d+)?$/.test(p) ? Number(p.split('-')[0]) : NaN));
  if (ports.some(Number.isNaN)) return null;
  // Prometheus exporters take 9100-9999 by convention (node 9100, process 9256, …).
  if (ports.every((p) => p >= 9100 && p <= 9999)) return 'metrics';
  return null;
}
