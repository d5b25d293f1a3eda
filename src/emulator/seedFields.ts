/**
 * Reading the fields of a seed file: lists, mappings, strings and addresses, each mistake a SeedError
 * that says where it is (`droplets[2].tags`) and what was expected.
 */
import ipaddr from 'ipaddr.js';

export class SeedError extends Error {}

/** A seed section's entry, or any mapping inside one. */
export type SeedMapping = Record<string, unknown>;

export function fail(where: string, what: string): never {
  throw new SeedError(`seed ${where}: ${what}`);
}

/** The list of mappings under `key` ([] when absent). */
export function list(data: SeedMapping, key: string): SeedMapping[] {
  const v = data[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(key, 'must be a list');
  return v.map((x, i) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as SeedMapping) : fail(`${key}[${i}]`, 'must be a mapping')));
}

/** A non-empty string; undefined when absent and `optional`. */
export function str(x: SeedMapping, key: string, where: string, optional = false): string | undefined {
  const v = x[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v === '') fail(`${where}.${key}`, 'must be a non-empty string');
  return v;
}

/** An optional address of one family. */
export function ip(x: SeedMapping, key: string, where: string, family: 'ipv4' | 'ipv6'): string | undefined {
  const v = str(x, key, where, true);
  if (v !== undefined && (!ipaddr.isValid(v) || ipaddr.parse(v).kind() !== family)) fail(`${where}.${key}`, `must be an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  return v;
}
