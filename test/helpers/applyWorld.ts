/**
 * Applying a change against the emulator in one of the worlds its behaviours describe, recording the
 * account after every mutating request, and judging every recorded state (recordedApply.ts).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '../../src/analysis/network.js';
import { DigitalOceanClient } from '../../src/digitalocean/client.js';
import { readAccount } from '../../src/digitalocean/read.js';
import { DEFAULT_BEHAVIOUR, type Behaviour } from '../../src/emulator/behaviour.js';
import type { Emulator, EmulatorOptions } from '../../src/emulator/index.js';
import type { EmulatorStateSnapshot } from '../../src/emulator/state.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { accountHosts } from '../../src/plan/hosts.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { runCli, type CliResult } from './cli.js';
import { startTestEmulator, TOKEN } from './emulator.js';
import { firewallsOf, recordedGaps, type RecordedState } from './recordedApply.js';

export const AS_OF = '2026-11-24';

/** Every combination of the behaviours that shape how rules are stored, matched and read back. */
export const ALL_WORLDS: Partial<Behaviour>[] = (() => {
  const out: Partial<Behaviour>[] = [];
  for (const ruleStorage of ['as-sent', 'merge'] as const)
    for (const duplicateRule of ['noop', 'error', 'duplicate'] as const)
      for (const ipv6ReadBack of ['verbatim', 'canonical'] as const)
        for (const actionReadBack of ['deny-only', 'always'] as const)
          for (const allPortsWrite of [['0', 'all'], []] as Behaviour['allPortsWrite'][])
            for (const statuses of [{}, { missingTagStatus: 404, duplicateNameStatus: 422 }] as const)
              out.push({ ruleStorage, duplicateRule, ipv6ReadBack, actionReadBack, allPortsWrite, ...statuses });
  return out;
})();

/** The default world, each behaviour changed alone, and the most hostile combinations. */
export const WORLDS: Partial<Behaviour>[] = [
  {},
  { ruleStorage: 'merge' },
  { duplicateRule: 'error' },
  { duplicateRule: 'duplicate' },
  { ipv6ReadBack: 'canonical' },
  { actionReadBack: 'always' },
  { allPortsWrite: [] },
  { missingTagStatus: 404, duplicateNameStatus: 422 },
  { ruleStorage: 'merge', duplicateRule: 'error', ipv6ReadBack: 'canonical', actionReadBack: 'always', allPortsWrite: [] },
  { ruleStorage: 'merge', duplicateRule: 'duplicate' },
];

export function worldName(world: Partial<Behaviour>): string {
  const parts = Object.entries(world)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(DEFAULT_BEHAVIOUR[k as keyof Behaviour]))
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') || 'none' : v}`);
  return parts.length === 0 ? 'default behaviour' : parts.join(',');
}

export const envFor = (url: string, extra: Record<string, string> = {}) => ({ DIGITALOCEAN_TOKEN: TOKEN, DIGITALOCEAN_API_URL: url, FWC_QUIET: '1', ...extra });

/** The hosts flows are judged between: the account's droplet classes and everything the policies name. */
export async function hostsFor(url: string, states: readonly EmulatorStateSnapshot[], policies: readonly string[], databases: readonly string[] = []): Promise<Host[]> {
  const account = await readAccount(new DigitalOceanClient({ baseUrl: new URL(url), token: TOKEN }));
  const built = policies.flatMap((text, i) => buildPolicies([new SourceFile(`v${i}.fw`, text)], { asOf: AS_OF }).policies);
  // Tags that tell droplets apart: those of every recorded firewall, of every compiled firewall, and of
  // every trusted source a database had at some point (as a pseudo firewall that only names them).
  const trustedTags = states.flatMap((s) => s.databases.flatMap((d) => d.rules.filter((r) => r.type === 'tag').map((r) => r.value)));
  const firewalls = [...states.flatMap(firewallsOf), ...built.flatMap((b) => b.compiled.firewalls), { name: 'trusted sources', tags: trustedTags, dropletIds: [], rules: [] }];
  return accountHosts(account, firewalls, built.map((b) => b.policy), databases);
}

export interface RecordedApply {
  readonly em: Emulator;
  readonly result: CliResult;
  /** `METHOD /path` of every mutating request that changed the account, in order. */
  readonly requests: readonly string[];
  readonly gaps: readonly string[];
  /** Whether `fwc plan --detailed-exitcode` of the new policy exits 0 afterwards. */
  readonly cleanAfter: boolean;
  readonly dir: string;
}

export function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwc-apply-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function applyCli(dir: string, file: string, url: string, extra: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['apply', file, '--auto-approve', '--allow-lockout', '--as-of', AS_OF], { cwd: dir, env: envFor(url, extra) });
}

/**
 * Starts an emulator, applies `oldText` (when given; else the seed is the old state), then applies
 * `newText` recording every state, and judges them. `runs` > 1 applies again after a failure (faults).
 */
export async function applyRecorded(
  options: EmulatorOptions,
  oldText: string | null,
  newText: string,
  { env = {}, faults, runs = 1, databases = [] }: { env?: Record<string, string>; faults?: string; runs?: number; databases?: string[] } = {},
): Promise<RecordedApply> {
  const states: RecordedState[] = [];
  let recording = false;
  const em = await startTestEmulator({ ...options, onMutation: (state, r) => recording && states.push({ state, request: `${r.method} ${r.path}` }) });
  const dir = workdir({ 'old.fw': oldText ?? '', 'new.fw': newText });
  if (oldText !== null) {
    const first = await applyCli(dir, 'old.fw', em.url);
    if (first.code !== 0) throw new Error(`applying the old policy failed:\n${first.stdout}${first.stderr}`);
  }
  const before = em.state();
  if (faults) em.setFaults(faults);
  recording = true;
  let result = await applyCli(dir, 'new.fw', em.url, env);
  for (let i = 1; i < runs && result.code !== 0; i++) result = await applyCli(dir, 'new.fw', em.url, env);
  recording = false;
  em.setFaults(null);
  const after = em.state();
  const plan = await runCli(['plan', 'new.fw', '--detailed-exitcode', '--as-of', AS_OF], { cwd: dir, env: envFor(em.url) });
  const hosts = await hostsFor(em.url, [before, after, ...states.map((s) => s.state)], [...(oldText ? [oldText] : []), newText], databases);
  return {
    em,
    result,
    requests: states.map((s) => s.request),
    gaps: recordedGaps(before, after, states, hosts),
    cleanAfter: plan.code === 0,
    dir,
  };
}
