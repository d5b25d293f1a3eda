/**
 * `--format text` (the default): findings grouped by level, most severe first, each with its key,
 * resources, traffic, causes and fix; accepted findings listed last with their reasons; a summary line.
 */
import { type AuditReport, summarize } from '../audit.js';
import type { Finding, ResourceRef } from '../finding.js';
import { LEVELS, RULES, type Level } from '../rules.js';

const HEADINGS: Record<Level, string> = { error: 'Errors', warning: 'Warnings', note: 'Notes' };
/** How many resources, traffic lines or causes a finding lists before "and N more": a terminal screen's worth. */
const MAX_LIST = 6;

export function resourceText(r: ResourceRef): string {
  return `${r.kind} ${r.name}${r.id && r.id !== r.name ? ` (${r.id})` : ''}`;
}

function list(items: readonly string[]): string {
  return items.length <= MAX_LIST ? items.join(', ') : `${items.slice(0, MAX_LIST).join(', ')} and ${items.length - MAX_LIST} more`;
}

export function trafficText(f: Finding): string[] {
  return f.traffic.map((t) => `${t.protocol === 'any' ? 'all traffic' : t.protocol === 'icmp' ? 'icmp' : `${t.protocol} ${t.ports}`}${t.from ? ` from ${t.from}` : ''}${t.to ? ` to ${t.to}` : ''}`);
}

function renderFinding(f: Finding): string[] {
  const r = RULES[f.rule];
  const lines = [`${f.level}[${r.id}] ${r.name}: ${f.message}`];
  lines.push(`  key:       ${f.key}`);
  if (f.location) lines.push(`  at:        ${f.location.file}:${f.location.line}:${f.location.column}`);
  if (f.resources.length > 0) lines.push(`  resources: ${list(f.resources.map(resourceText))}`);
  const traffic = trafficText(f);
  if (traffic.length > 0) lines.push(`  traffic:   ${list(traffic)}`);
  for (const c of f.causes.slice(0, MAX_LIST)) lines.push(`  caused by: ${c.firewall}${c.managed === false ? ' (not managed by fwc)' : ''}: ${c.rule}`);
  if (f.causes.length > MAX_LIST) lines.push(`  caused by: … and ${f.causes.length - MAX_LIST} more rules`);
  lines.push(`  fix:       ${f.fix}`);
  if (f.acceptanceExpired) lines.push(`  note:      accepted until ${f.acceptanceExpired.until} (${f.acceptanceExpired.where}: ${f.acceptanceExpired.reason}); that date has passed`);
  return lines;
}

export function summaryLine(report: AuditReport, findings: readonly Finding[]): string {
  const s = summarize(findings);
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  const a = report.account;
  return `audit: ${n(s.error, 'error')}, ${n(s.warning, 'warning')}, ${n(s.note, 'note')}${s.accepted > 0 ? ` (${s.accepted} accepted)` : ''} in ${n(a.droplets, 'droplet')}, ${n(a.firewalls, 'firewall')}, ${n(a.databases, 'database')}${report.withPolicy ? ', against the policy' : ''}`;
}

export function renderText(report: AuditReport, findings: readonly Finding[]): string {
  const out: string[] = [];
  for (const level of LEVELS) {
    const group = findings.filter((f) => f.level === level && !f.accepted);
    if (group.length === 0) continue;
    out.push(`${HEADINGS[level]} (${group.length})`, '');
    for (const f of group) out.push(...renderFinding(f), '');
  }
  const accepted = findings.filter((f) => f.accepted);
  if (accepted.length > 0) {
    out.push(`Accepted (${accepted.length})`, '');
    for (const f of accepted) out.push(`  ${f.key}: ${f.accepted!.reason}${f.accepted!.until ? ` (until ${f.accepted!.until})` : ''} [${f.accepted!.where}]`);
    out.push('');
  }
  out.push(summaryLine(report, findings));
  return out.join('\n') + '\n';
}
