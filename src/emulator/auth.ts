/**
 * Bearer tokens and their scopes. A full token has every scope; a read-only token every `*:read` scope;
 * seed files may give a token exact scopes. NOTE: `firewall:create|update|delete` each need
 * `firewall:read` too (DO-API-FACTS.md 5.1).
 */
import { ApiFailure } from './errors.js';

export type Scopes = 'all' | 'read' | readonly string[];

export interface TokenSpec {
  readonly token: string;
  readonly scopes: Scopes;
}

export const DEFAULT_TOKEN = 'fwc-emulator-token';

function allows(scopes: Scopes, scope: string): boolean {
  if (scopes === 'all') return true;
  if (scopes === 'read') return scope.endsWith(':read');
  return scopes.includes(scope) || (scope.endsWith(':read') && scopes.includes('api:read')) || scopes.includes('api:write');
}

/** The scopes an operation needs, beyond what the description lists. */
export function neededScopes(operationScopes: readonly string[]): string[] {
  const out = new Set(operationScopes);
  for (const s of operationScopes) if (/^firewall:(create|update|delete)$/.test(s)) out.add('firewall:read');
  return [...out];
}

/** Checks the Authorization header; throws 401 or 403 as DigitalOcean answers them. */
export function authorize(tokens: ReadonlyMap<string, Scopes>, header: string | undefined, needed: readonly string[]): string {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  const scopes = m ? tokens.get(m[1]!) : undefined;
  if (!m || scopes === undefined) throw new ApiFailure(401, 'unauthorized', 'Unable to authenticate you.');
  const missing = neededScopes(needed).filter((s) => !allows(scopes, s));
  if (missing.length > 0) {
    throw new ApiFailure(403, 'forbidden', `You do not have permission to perform this action. Missing scope: ${missing.join(', ')}`);
  }
  return m[1]!;
}
