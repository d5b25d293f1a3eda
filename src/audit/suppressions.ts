/**
 * The suppression file (`.fwc-audit.yaml` in the working folder, or --suppressions PATH): findings a
 * team has looked at and accepts, each with a reason and optionally a date after which it is reported
 * again.
 *
 *     version: 1
 *     accept:
 *       - finding: "FW802:bastion:ssh"     # a finding key, as every format prints it; * matches anything
 *         reason: key-only SSH on the bastion, reviewed 2026-11
 *         until: 2027-03-31                # optional; from the day after, the finding is back
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Acceptance, Finding } from './finding.js';

export const SUPPRESSION_FILE = '.fwc-audit.yaml';

export interface Suppression {
  readonly pattern: string;
  readonly matcher: RegExp;
  readonly reason: string;
  readonly until?: string;
  readonly line: number;
}

export class SuppressionError extends Error {}

/** `2027-03-31`: the date part of an ISO timestamp. */
const ISO_DATE_LENGTH = 'YYYY-MM-DD'.length;

function isDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, ISO_DATE_LENGTH) === text;
}

/** Reads a suppression file's text; every mistake names the file, the line and the fix. */
export function parseSuppressions(path: string, text: string): Suppression[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const fail = (line: number, what: string): never => {
    throw new SuppressionError(`${path}:${line}: ${what}`);
  };
  if (doc.errors.length > 0) fail(lines.linePos(doc.errors[0]!.pos[0]).line, `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  if (root === null) return [];
  if (!isMap(root)) return fail(1, 'a suppression file is a mapping with `version: 1` and an `accept` list');
  const lineOf = (node: unknown) => lines.linePos((node as { range?: [number] }).range?.[0] ?? 0).line;
  const data = doc.toJS() as Record<string, unknown>;
  for (const key of Object.keys(data)) if (key !== 'version' && key !== 'accept') fail(1, `unknown key \`${key}\` (a suppression file has \`version\` and \`accept\`)`);
  if (data.version !== 1) fail(1, '`version: 1` is required (the only version there is)');
  const accept = root.get('accept', true);
  if (accept === undefined || accept === null) return [];
  if (!isSeq(accept)) return fail(lineOf(accept), '`accept` must be a list of entries with `finding` and `reason`');
  return accept.items.map((item) => {
    const line = lineOf(item);
    if (!isMap(item)) return fail(line, 'each entry of `accept` is a mapping: finding, reason, until (optional)');
    const e = item.toJSON() as Record<string, unknown>;
    for (const key of Object.keys(e)) if (!['finding', 'reason', 'until'].includes(key)) fail(line, `unknown key \`${key}\` (an entry has finding, reason and until)`);
    if (typeof e.finding !== 'string' || e.finding.trim() === '') fail(line, '`finding` is required: a finding key such as FW802:web:ssh (each output format prints them)');
    if (typeof e.reason !== 'string' || e.reason.trim() === '') fail(line, `\`reason\` is required for ${String(e.finding)}: say why the finding is accepted`);
    let until: string | undefined;
    if (e.until !== undefined) {
      const raw = e.until instanceof Date ? e.until.toISOString().slice(0, ISO_DATE_LENGTH) : String(e.until);
      if (!isDate(raw)) fail(line, `\`until\` takes a date like 2027-03-31, not ${JSON.stringify(String(e.until))}`);
      until = raw;
    }
    const pattern = (e.finding as string).trim();
    const matcher = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    return { pattern, matcher, reason: (e.reason as string).trim(), ...(until ? { until } : {}), line };
  });
}

/**
 * Marks the findings the suppressions accept; an acceptance whose `until` is before `asOf` does not
 * hold and is noted on the finding. Also returns the suppressions that matched nothing.
 */
export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[], path: string, asOf: string): { findings: Finding[]; unused: Suppression[] } {
  const used = new Set<Suppression>();
  const out = findings.map((f) => {
    const s = suppressions.find((x) => x.matcher.test(f.key));
    if (!s) return f;
    used.add(s);
    const acceptance: Acceptance = { reason: s.reason, ...(s.until ? { until: s.until } : {}), where: `${path}:${s.line}` };
    return s.until !== undefined && s.until < asOf ? { ...f, acceptanceExpired: acceptance } : { ...f, accepted: acceptance };
  });
  return { findings: out, unused: suppressions.filter((s) => !used.has(s)) };
}
