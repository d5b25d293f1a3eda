/**
 * A finding: one rule broken by one group of resources, with the exact traffic concerned, the firewall
 * rules that cause it and the fix. Findings are plain data, sorted the same way every run, so that
 * every output format (and a suppression file) can name them by their key.
 */
import { levelRank, RULES, type Level, type RuleKey } from './rules.js';

export interface ResourceRef {
  readonly kind: 'droplet' | 'firewall' | 'database' | 'load-balancer' | 'cluster' | 'tag' | 'policy';
  readonly name: string;
  readonly id?: string;
}

/** Traffic a finding is about: one protocol, its ports, and who may send it (IPv4 and IPv6 apart). */
export interface Traffic {
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'any';
  /** `22`, `2375-2376`, `all`, `1-1000, 3000`. */
  readonly ports: string;
  /** `internet (IPv4)`, `internet (IPv6)`, `droplets tagged web`, … */
  readonly from: string;
  readonly to?: string;
  readonly family?: 4 | 6;
}

/** A firewall rule that causes (part of) a finding. */
export interface Cause {
  readonly firewall: string;
  readonly firewallId?: string;
  /** `inbound tcp 22 from 0.0.0.0/0` (src/compile/rules.ts, ruleText). */
  readonly rule: string;
  /** Whether a policy given with --policy owns the firewall (absent without --policy). */
  readonly managed?: boolean;
}

/** Where a policy statement is, for code scanning (1-based). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface Acceptance {
  readonly reason: string;
  readonly until?: string;
  /** Where the acceptance is written (`.fwc-audit.yaml:4`). */
  readonly where: string;
}

export interface Finding {
  readonly rule: RuleKey;
  /** Stable across runs: `FW802:web:ssh`. Suppression files name findings by it. */
  readonly key: string;
  readonly level: Level;
  readonly message: string;
  readonly resources: readonly ResourceRef[];
  readonly traffic: readonly Traffic[];
  readonly causes: readonly Cause[];
  readonly fix: string;
  readonly location?: SourceLocation;
  /** Set when a suppression accepts the finding (it then neither fails the run nor shows by default). */
  readonly accepted?: Acceptance;
  /** Set when a suppression accepted it until a date that has passed: reported again. */
  readonly acceptanceExpired?: Acceptance;
}

export function makeFinding(rule: RuleKey, subject: string, f: Omit<Finding, 'rule' | 'key' | 'level' | 'fix'> & { fix?: string; detail?: string }): Finding {
  const { detail, ...rest } = f;
  const id = RULES[rule].id;
  return { rule, key: [id, subject, ...(detail ? [detail] : [])].join(':'), level: RULES[rule].level, fix: f.fix ?? RULES[rule].help, ...rest };
}

/** Most severe first, then by rule id, then by key: the order every format prints. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => levelRank(a.level) - levelRank(b.level) || cmp(RULES[a.rule].id, RULES[b.rule].id) || cmp(a.key, b.key));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
