/**
 * `--format markdown`: the audit as a pull-request comment — a summary table, then each level's
 * findings with their traffic, causes and fix in a collapsed block.
 */
import { type AuditReport, summarize } from '../audit.js';
import type { Finding } from '../finding.js';
import { LEVELS, RULES } from '../rules.js';
import { resourceText, summaryLine, trafficText } from './text.js';

/** How many resources and causes a finding's details list, so that a comment on a large account stays short. */
const MAX_LISTED = 10;

const ICON = { error: '🔴', warning: '🟠', note: '🔵' } as const;
const HEADING = { error: 'Errors', warning: 'Warnings', note: 'Notes' } as const;

/** Markdown without surprises: pipes, backticks and angle brackets from the account are escaped. */
function md(text: string): string {
  return text.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`);
}

export function renderMarkdown(report: AuditReport, findings: readonly Finding[]): string {
  const s = summarize(findings);
  const out = ['## fwc audit', '', '| errors | warnings | notes | accepted |', '| ---: | ---: | ---: | ---: |', `| ${s.error} | ${s.warning} | ${s.note} | ${s.accepted} |`, ''];
  for (const level of LEVELS) {
    const group = findings.filter((f) => f.level === level && !f.accepted);
    if (group.length === 0) continue;
    out.push(`### ${ICON[level]} ${HEADING[level]} (${group.length})`, '');
    for (const f of group) {
      const r = RULES[f.rule];
      const at = f.location ? ` (${md(`${f.location.file}:${f.location.line}`)})` : '';
      out.push(`- **${r.id}** ${r.name}: ${md(f.message)}${at}`);
      out.push('  <details><summary>details</summary>', '');
      out.push(`  - key: \`${f.key.replace(/`/g, "'")}\``);
      if (f.resources.length > 0) out.push(`  - resources: ${md(f.resources.slice(0, MAX_LISTED).map(resourceText).join(', '))}${f.resources.length > MAX_LISTED ? ` and ${f.resources.length - MAX_LISTED} more` : ''}`);
      const traffic = trafficText(f);
      if (traffic.length > 0) out.push(`  - traffic: ${md(traffic.join('; '))}`);
      for (const c of f.causes.slice(0, MAX_LISTED)) out.push(`  - caused by ${md(c.firewall)}${c.managed === false ? ' (not managed by fwc)' : ''}: \`${c.rule.replace(/`/g, "'")}\``);
      out.push(`  - fix: ${md(f.fix)}`, '', '  </details>');
    }
    out.push('');
  }
  const accepted = findings.filter((f) => f.accepted);
  if (accepted.length > 0) {
    out.push(`<details><summary>Accepted (${accepted.length})</summary>`, '');
    for (const f of accepted) out.push(`- \`${f.key.replace(/`/g, "'")}\`: ${md(f.accepted!.reason)}${f.accepted!.until ? ` (until ${f.accepted!.until})` : ''}`);
    out.push('', '</details>', '');
  }
  out.push(`_${md(summaryLine(report, findings))}_`);
  return out.join('\n') + '\n';
}
