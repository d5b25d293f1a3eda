/**
 * What `plan` and `apply` share: connecting to the API (token, URL, a client that reports its retries),
 * reading the account, and turning policy files into a plan against it.
 */
import { CODES, type Diagnostic, printable } from '../diagnostics/index.js';
import { apiBaseUrl, ApiError, apiToken, type ClientEvent, ConfigError, DigitalOceanClient, readAccount, type ReadAccount, retrySettings } from '../digitalocean/index.js';
import { buildPolicies, type BuiltPolicy } from '../pipeline/index.js';
import { computePlan, type Plan, type ResolvedDesired, resolveDesired } from '../plan/index.js';
import type { OptionSpec } from './args.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';
import { readPolicies } from './readPolicies.js';
import { reportDiagnostics } from './report.js';

export const API_URL_OPTION: OptionSpec = {
  type: 'string',
  value: 'URL',
  description: 'the DigitalOcean API (default: $DIGITALOCEAN_API_URL, else https://api.digitalocean.com)',
};

declare const FWC_VERSION: string | undefined;
export const VERSION = typeof FWC_VERSION === 'string' ? FWC_VERSION : 'dev';

export interface Connection {
  readonly client: DigitalOceanClient;
  readonly apiUrl: string;
  /** 429s met and waited out, retries made (for the apply summary). */
  readonly stats: { rateLimited: number; retries: number };
}

/** A client for the API the user chose; configuration mistakes become clear errors. */
export function connect(io: Io, apiUrlFlag: unknown): Connection {
  try {
    const baseUrl = apiBaseUrl(typeof apiUrlFlag === 'string' ? apiUrlFlag : undefined, io.env);
    const token = apiToken(io.env);
    const stats = { rateLimited: 0, retries: 0 };
    const client = new DigitalOceanClient({
      baseUrl,
      token,
      ...retrySettings(io.env),
      userAgent: `fwc/${VERSION}`,
      signal: io.signal,
      onEvent: (e: ClientEvent) => {
        if (e.kind === 'rate-limited') stats.rateLimited++;
        if (e.kind === 'retry') stats.retries++;
        if (e.kind !== 'paced' && io.env.FWC_QUIET !== '1') {
          const why = e.kind === 'rate-limited' ? 'rate limited' : e.status ? `status ${e.status}` : (e.reason ?? 'no answer');
          io.stderr.write(`${e.operation}: ${printable(why)}; retrying in ${(e.waitMs / 1000).toFixed(1)} s\n`);
        }
      },
    });
    return { client, apiUrl: baseUrl.toString().replace(/\/$/, ''), stats };
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message, 1, error.help);
    throw error;
  }
}

/** Runs an API call, turning API failures into the user-facing error they describe. */
export async function api<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw new UserError(error.message);
    throw error;
  }
}

export interface PlannedPolicies {
  readonly built: readonly BuiltPolicy[];
  readonly account: ReadAccount;
  readonly desired: ResolvedDesired;
  readonly plan: Plan;
}

/**
 * Policy files to a plan against the account: build (diagnostics reported), read, resolve names, plan.
 * Returns null when the policies or the account make a plan impossible (the reasons are reported).
 */
export async function planPolicies(io: Io, connection: Connection, paths: readonly string[], asOf: string, diagnosticsFormat: unknown): Promise<PlannedPolicies | null> {
  const input = readPolicies(paths, io.cwd);
  const built = buildPolicies(input.files, { asOf });
  const report = (ds: readonly Diagnostic[]) => reportDiagnostics(io, ds, diagnosticsFormat, 'plan');
  // DNS blocked by restricted egress (FW406) is judged again by the plan on the account, where another
  // firewall may let DNS out: the plan's finding stands alone, not beside the policy-only one.
  const policyOnly = built.diagnostics.filter((d) => d.code.code !== CODES.dnsBlocked.code);
  if (report([...input.diagnostics, ...policyOnly]) || input.files.length === 0) return null;
  const account = await api(() => readAccount(connection.client));
  for (const fw of account.firewalls) {
    for (const p of fw.problems) io.stderr.write(`warning: firewall ${printable(fw.name)} (${printable(fw.id)}): ${printable(p)}; it is left out of the comparison\n`);
  }
  const resolved = resolveDesired(built.policies, account);
  if (report(resolved.diagnostics)) return null;
  const planned = computePlan({ built: built.policies, desired: resolved.value, account });
  if (report(planned.diagnostics)) return null;
  return { built: built.policies, account, desired: resolved.value, plan: planned.value };
}
