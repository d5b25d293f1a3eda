/**
 * A saved plan read back: every field `fwc show` renders and `fwc apply PLANFILE` executes is checked for
 * its shape before anything uses it, so that an edited or damaged file is a clear error (with the JSON
 * path at fault), never a crash, and the desired firewalls are bodies the API itself would accept.
 */
import { validateRequest } from '../api/index.js';
import { parseAddress } from '../model/index.js';
import { hasControl } from '../diagnostics/index.js';
import type { PlanDocument } from './document.js';
import { PLAN_FORMAT_VERSION } from './types.js';
import { PLAN_WARNING_CODES } from './warnings/rules.js';

class Bad extends Error {}

type Check = (value: unknown, at: string) => void;

const fail = (at: string, what: string): never => {
  throw new Bad(`${at || '/'}: ${what}`);
};
const str: Check = (v, at) => {
  if (typeof v !== 'string') fail(at, 'must be a string');
};
/** A name fwc prints or matches: a string without control characters. */
const name: Check = (v, at) => {
  str(v, at);
  if (hasControl(v as string)) fail(at, 'holds a control character');
};
const int: Check = (v, at) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(at, 'must be a whole number');
};
const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') fail(at, 'must be true or false');
};
const oneOf =
  (...choices: string[]): Check =>
  (v, at) => {
    if (typeof v !== 'string' || !choices.includes(v)) fail(at, `must be one of ${choices.join(', ')}`);
  };
const list =
  (item: Check): Check =>
  (v, at) => {
    if (!Array.isArray(v)) fail(at, 'must be a list');
    (v as unknown[]).forEach((x, i) => item(x, `${at}/${i}`));
  };
const optional =
  (check: Check): Check =>
  (v, at) => {
    if (v !== undefined) check(v, at);
  };
const object =
  (fields: Record<string, Check>): Check =>
  (v, at) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(at, 'must be an object');
    for (const [key, check] of Object.entries(fields)) check((v as Record<string, unknown>)[key], `${at}/${key}`);
  };
const address: Check = (v, at) => {
  str(v, at);
  if (!parseAddress(v as string).ok) fail(at, 'is not an address block');
};
const apiBody =
  (operation: 'firewalls_create'): Check =>
  (v, at) => {
    const errors = validateRequest(operation, v);
    if (errors.length > 0) fail(`${at}${errors[0]!.path === '/' ? '' : errors[0]!.path}`, `${errors[0]!.message} (not a firewall the API accepts)`);
  };

const ruleDoc = object({
  direction: oneOf('inbound', 'outbound'),
  action: oneOf('allow', 'deny'),
  protocol: oneOf('tcp', 'udp', 'icmp'),
  ports: str,
  peer: name,
  key: name,
  origin: optional(name),
});
const sourceDoc = object({ type: oneOf('tag', 'ip_addr', 'droplet', 'k8s', 'app'), value: name });
const flow = object({ from: list(name), to: list(name), services: name, fromTags: list(name), toTags: list(name) });

const planShape = object({
  kind: oneOf('plan', 'diff'),
  fwcVersion: optional(name),
  createdAt: optional(name),
  apiUrl: optional(name),
  policies: list(object({ name, files: list(name) })),
  summary: object({
    changes: bool,
    tagsToCreate: int,
    firewallsToCreate: int,
    firewallsToUpdate: int,
    firewallsToDelete: int,
    databasesToUpdate: int,
    firewallsUnchanged: int,
    unmanagedFirewalls: int,
    flowsAllowed: int,
    flowsBlocked: int,
    warnings: int,
  }),
  tags: object({ create: list(name) }),
  firewalls: list(
    object({
      action: oneOf('create', 'update', 'delete'),
      name,
      id: optional(name),
      tags: object({ add: list(name), remove: list(name) }),
      droplets: object({ add: list(int), remove: list(int) }),
      rules: object({ add: list(ruleDoc), remove: list(ruleDoc), unchanged: int, unreadable: optional(list(object({ direction: oneOf('inbound', 'outbound'), rule: str, reason: str }))) }),
    }),
  ),
  databases: list(
    object({
      action: oneOf('replace'),
      name,
      id: name,
      sources: object({ add: list(sourceDoc), remove: list(sourceDoc), unchanged: int }),
      rules: list(object({ type: str, value: name, uuid: optional(name) })),
    }),
  ),
  reachability: object({ allowed: list(flow), blocked: list(flow) }),
  warnings: list(object({ code: oneOf(...PLAN_WARNING_CODES.map((c) => c.name)), message: name })),
  unmanaged: list(name),
  desired: object({
    firewalls: list(apiBody('firewalls_create')),
    databases: list(object({ id: name, name, sources: list(sourceDoc) })),
  }),
  live: list(object({ id: name, name, fingerprint: name, managed: bool })),
  liveDatabases: list(object({ id: name, name, fingerprint: name })),
  addressBlocks: list(address),
});

/**
 * The first thing wrong with a parsed plan file (`/desired/firewalls/2/name: must be a string`), or null
 * when it has the shape of a plan of this fwc's format.
 */
export function planDocumentProblem(doc: unknown): string | null {
  try {
    object({ formatVersion: int })(doc, '');
    const version = (doc as { formatVersion: number }).formatVersion;
    if (version !== PLAN_FORMAT_VERSION) return `it is of format version ${version}; this fwc reads version ${PLAN_FORMAT_VERSION}`;
    planShape(doc, '');
    return null;
  } catch (error) {
    if (error instanceof Bad) return error.message;
    throw error;
  }
}

export type { PlanDocument };
