/**
 * `--format sarif`: SARIF 2.1.0 (OASIS; validated against the official schema in test/audit), one run,
 * tool `fwc` with every audit rule (id, short and full description, help, default level). A finding
 * from a policy statement carries its file, line and column, so GitHub code scanning annotates the pull
 * request; an account finding carries logical locations (the firewalls, droplets and databases it is
 * about) and, when policy files were given, the first policy file as its physical location, because
 * code scanning shows only results that have one. Accepted findings are kept with an external, accepted
 * suppression and their reason. `partialFingerprints` holds the finding key, so code scanning follows a
 * finding from run to run.
 */
import type { Finding } from '../finding.js';
import { ALL_RULES, RULES, type AuditRule } from '../rules.js';
import { resourceText, trafficText } from './text.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFO_URI = 'https://github.com/fwc-dev/fwc';

function ruleDescriptor(r: AuditRule): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.short },
    fullDescription: { text: r.full },
    help: { text: `${r.help} (fwc explain ${r.id})`, markdown: `${r.help}\n\nRun \`fwc explain ${r.id}\` for more.` },
    helpUri: `${INFO_URI}#fwc-audit`,
    defaultConfiguration: { level: r.level },
    properties: { tags: ['security', 'firewall', r.needs === 'policy' ? 'policy' : 'account'] },
  };
}

export interface SarifOptions {
  readonly fwcVersion: string;
  /** A file (relative to the repository root) to place account findings on, for code scanning. */
  readonly anchorFile?: string;
}

/**
 * How many resources a result names as logical locations, and how many lines of traffic its message
 * lists: a finding about a whole fleet stays readable in code scanning (the properties keep them all).
 */
const MAX_LOGICAL_LOCATIONS = 50;
const MAX_TRAFFIC_IN_MESSAGE = 10;

export function renderSarif(findings: readonly Finding[], options: SarifOptions): string {
  const index = new Map(ALL_RULES.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'fwc', version: options.fwcVersion, informationUri: INFO_URI, rules: ALL_RULES.map(ruleDescriptor) } },
        automationDetails: { id: 'fwc-audit/' },
        columnKind: 'utf16CodeUnits',
        results: findings.map((f) => result(f, index.get(RULES[f.rule].id)!, options)),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function result(f: Finding, ruleIndex: number, options: SarifOptions): Record<string, unknown> {
  const r = RULES[f.rule];
  const location = locationOf(f, options);
  return {
    ruleId: r.id,
    ruleIndex,
    level: f.level,
    message: { text: messageText(f, r) },
    ...(Object.keys(location).length > 0 ? { locations: [location] } : {}),
    partialFingerprints: { 'fwcFindingKey/v1': f.key },
    ...(f.accepted ? { suppressions: [suppression(f.accepted)] } : {}),
    properties: {
      key: f.key,
      resources: f.resources.map(resourceText),
      traffic: f.traffic,
      causes: f.causes,
      ...(f.acceptanceExpired ? { acceptanceExpired: f.acceptanceExpired } : {}),
    },
  };
}

const artifact = (path: string) => ({ uri: encodeURI(path.replace(/\\/g, '/')), uriBaseId: '%SRCROOT%' });

/** The statement for a policy finding; the anchor file (when there is one) and the resources for an account finding. */
function locationOf(f: Finding, options: SarifOptions): Record<string, unknown> {
  const logical = f.resources.map((res) => ({
    name: res.name,
    fullyQualifiedName: `${res.kind}/${res.id ?? res.name}`,
    kind: res.kind === 'policy' ? 'module' : 'resource',
  }));
  const physical = f.location
    ? {
        artifactLocation: artifact(f.location.file),
        region: { startLine: f.location.line, startColumn: f.location.column, endLine: f.location.endLine, endColumn: f.location.endColumn },
      }
    : options.anchorFile
      ? { artifactLocation: artifact(options.anchorFile), region: { startLine: 1 } }
      : undefined;
  return {
    ...(physical ? { physicalLocation: physical } : {}),
    ...(logical.length > 0 ? { logicalLocations: logical.slice(0, MAX_LOGICAL_LOCATIONS) } : {}),
  };
}

function messageText(f: Finding, r: AuditRule): string {
  const traffic = trafficText(f);
  const sentence = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);
  // Policy findings already name their traffic in the message.
  const trafficLine = traffic.length > 0 && r.needs === 'account' ? [`Traffic: ${traffic.slice(0, MAX_TRAFFIC_IN_MESSAGE).join('; ')}.`] : [];
  return [sentence(f.message), ...trafficLine, `Fix: ${f.fix}`].join(' ');
}

/** An accepted finding: suppressed externally, by the suppression file (its path, without the line). */
function suppression(accepted: NonNullable<Finding['accepted']>): Record<string, unknown> {
  return { kind: 'external', status: 'accepted', justification: accepted.reason, location: { physicalLocation: { artifactLocation: { uri: encodeURI(accepted.where.replace(/:\d+$/, '')) } } } };
}
