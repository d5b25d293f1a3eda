/**
 * The document `fwc compile` writes: every firewall as exactly the body of a DigitalOcean create/update
 * request, every database's trusted sources as the body of its PUT, and the policies they came from.
 * Keys and lists are in a fixed order, so the same policies always give the same bytes.
 */
import { stringify as toYaml } from 'yaml';
import type { BuiltPolicy } from '../pipeline/index.js';
import { databaseTrustToApi, firewallToApi } from '../compile/index.js';

/** The version of the compiled document's shape; bumped on any incompatible change. */
export const COMPILED_FORMAT_VERSION = 1;

export function compiledDocument(policies: readonly BuiltPolicy[]): Record<string, unknown> {
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    firewalls: policies.flatMap((p) => p.compiled.firewalls.map(firewallToApi)).sort(byName),
    databases: policies
      .flatMap((p) => p.compiled.databases.map((d) => ({ policy: p.policy.name, ...databaseTrustToApi(d) })))
      .sort((a, b) => (a.database < b.database ? -1 : a.database > b.database ? 1 : a.policy < b.policy ? -1 : 1)),
    policies: policies
      .map((p) => ({ name: p.policy.name, file: p.policy.file.path, tags: [...p.compiled.tags].sort() }))
      .sort(byName),
    formatVersion: COMPILED_FORMAT_VERSION,
  };
}

export function serialize(document: unknown, format: 'json' | 'yaml'): string {
  return format === 'yaml' ? toYaml(document, { lineWidth: 0 }) : JSON.stringify(document, null, 2) + '\n';
}
