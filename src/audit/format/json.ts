/**
 * `--format json`: the audit as a versioned document for tools. The shape (version 1):
 *
 *     { "format": "fwc-audit", "version": 1, "fwcVersion": "…",
 *       "summary": { "errors", "warnings", "notes", "accepted", "droplets", "firewalls", "databases", "classes" },
 *       "rules": [ { "id", "name", "level", "short" } ],            // every rule fwc audit has
 *       "findings": [ { "key", "rule", "name", "level", "message",
 *                       "resources": [ { "kind", "name", "id"? } ],
 *                       "traffic":   [ { "protocol", "ports", "from", "to"?, "family"? } ],
 *                       "causes":    [ { "firewall", "firewallId"?, "rule", "managed"? } ],
 *                       "fix", "location"?: { "file", "line", "column", "endLine", "endColumn" },
 *                       "accepted"?: { "reason", "until"?, "where" },
 *                       "acceptanceExpired"?: { … } } ] }
 *
 * Fields are only ever added within a version; a removal or change of meaning bumps `version`.
 */
import { type AuditReport, summarize } from '../audit.js';
import type { Finding } from '../finding.js';
import { ALL_RULES, RULES } from '../rules.js';

export const AUDIT_FORMAT_VERSION = 1;

export function findingToJson(f: Finding): Record<string, unknown> {
  const r = RULES[f.rule];
  return {
    key: f.key,
    rule: r.id,
    name: r.name,
    level: f.level,
    message: f.message,
    resources: f.resources,
    traffic: f.traffic,
    causes: f.causes,
    fix: f.fix,
    ...(f.location ? { location: f.location } : {}),
    ...(f.accepted ? { accepted: f.accepted } : {}),
    ...(f.acceptanceExpired ? { acceptanceExpired: f.acceptanceExpired } : {}),
  };
}

export function renderJson(report: AuditReport, findings: readonly Finding[], fwcVersion: string): string {
  const s = summarize(findings);
  return (
    JSON.stringify(
      {
        format: 'fwc-audit',
        version: AUDIT_FORMAT_VERSION,
        fwcVersion,
        summary: { errors: s.error, warnings: s.warning, notes: s.note, accepted: s.accepted, ...report.account },
        rules: ALL_RULES.map((r) => ({ id: r.id, name: r.name, level: r.level, short: r.short })),
        findings: findings.map(findingToJson),
      },
      null,
      2,
    ) + '\n'
  );
}
