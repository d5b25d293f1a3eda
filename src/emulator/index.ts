/**
 * A local DigitalOcean API: the firewall, tag, droplet, load balancer, Kubernetes and database endpoints
 * of the vendored OpenAPI description (src/api/), faithful to it and to DO-API-FACTS.md — bearer tokens
 * with scopes, DigitalOcean's error bodies and status codes, validation and limits, pagination, rate
 * limits with their headers, rule order that changes between reads, `"0"` read-back, status and
 * pending changes, state kept in a JSON file, and seeded fault injection. It is the embedded default of
 * the quick start and the partner of every API test. It imports nothing of fwc but the API contract.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { findOperation, validateRequest, validateResponse, type OperationId } from '../api/index.js';
import { authorize, DEFAULT_TOKEN, type Scopes, type TokenSpec } from './auth.js';
import { DEFAULT_BEHAVIOUR, type Behaviour } from './behaviour.js';
import { ApiFailure, badRequest, notFound } from './errors.js';
import { FaultInjector, parseFaults, type FaultSpec } from './faults.js';
import * as firewalls from './firewalls.js';
import { prng, shuffled, uuid } from './random.js';
import { DEFAULT_RATE_LIMIT, parseRateLimit, RateLimiter, type RateLimitSpec } from './rateLimit.js';
import * as resources from './resources.js';
import { applySeed, readSeedFile, type SeedData } from './seed.js';
import { cloneState, loadState, persistState, type EmulatorState, type EmulatorStateSnapshot } from './state.js';

export type { Behaviour } from './behaviour.js';
export type { FaultSpec } from './faults.js';
export type { RateLimitSpec } from './rateLimit.js';
export type { SeedData } from './seed.js';
export type { EmulatorStateSnapshot } from './state.js';
export { DEFAULT_TOKEN } from './auth.js';
export { parseBehaviour } from './behaviour.js';
export { ApiFailure } from './errors.js';
export { parseFaults } from './faults.js';
export { parseRateLimit } from './rateLimit.js';
export { SeedError } from './seed.js';

export interface RequestLogEntry {
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number | null;
  readonly operationId: string | null;
  readonly requestId: string;
  readonly durationMs: number;
  readonly fault: string | null;
}

export interface ContractViolation {
  readonly operationId: string;
  readonly direction: 'request' | 'response';
  readonly status?: number;
  readonly errors: readonly { path: string; message: string }[];
}

export interface EmulatorOptions {
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /** Default: one full token, `fwc-emulator-token`. */
  tokens?: readonly TokenSpec[];
  seed?: SeedData | string;
  /** Loaded if present, written atomically after every change. */
  stateFile?: string;
  faults?: string | FaultSpec | null;
  /** Default `250/min,5000/h`; `off` disables. */
  rateLimit?: string | RateLimitSpec | null;
  behaviour?: Partial<Behaviour>;
  /** Milliseconds until a changed firewall goes from `waiting` to `succeeded` (default 300). */
  settleMs?: number;
  requestLog?: string | ((entry: RequestLogEntry) => void);
  /** Called after every successful change, with a copy of the state. */
  onMutation?: (state: EmulatorStateSnapshot, request: { method: string; path: string }) => void;
  /** `record` checks every request and response against the OpenAPI schemas and keeps what fails. */
  contract?: 'record' | 'off';
  /** Seed of the order shuffling in responses and of generated ids. */
  shuffleSeed?: number;
  /**
   * Let the process exit while the emulator still listens (tests: a failed assertion that skips
   * `stop()` must not leave the test file running forever).
   */
  unref?: boolean;
}

export interface Emulator {
  readonly url: string;
  stop(): Promise<void>;
  state(): EmulatorStateSnapshot;
  contractViolations(): readonly ContractViolation[];
  requests(): readonly RequestLogEntry[];
  /** Handler exceptions (500s the emulator did not mean): a bug in the emulator. */
  internalErrors(): readonly string[];
  setFaults(spec: string | FaultSpec | null): void;
  setBehaviour(b: Partial<Behaviour>): void;
  /**
   * Changes the account at once, as another tool would between two requests (for tests: called from
   * onMutation, it lands before the next request is answered). Not reachable over HTTP.
   */
  change(f: (state: EmulatorState) => void): void;
}

const MAX_BODY = 1 << 20;
/** No request of the API nests deeper than a few levels; handlers walk bodies recursively. */
const MAX_DEPTH = 32;

/** How deep a parsed JSON value nests (without recursion, so no body can overflow the stack). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
}

const SUCCESS: Partial<Record<OperationId, number>> = {
  firewalls_create: 202,
  firewalls_delete: 204,
  firewalls_assign_droplets: 204,
  firewalls_delete_droplets: 204,
  firewalls_add_tags: 204,
  firewalls_delete_tags: 204,
  firewalls_add_rules: 204,
  firewalls_delete_rules: 204,
  tags_create: 201,
  tags_delete: 204,
  databases_update_firewall_rules: 204,
};

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const random = prng(options.shuffleSeed ?? 20261124);
  const newId = () => uuid(random);
  let state: EmulatorState;
  let seedTokens: TokenSpec[] = [];
  const fromFile = options.stateFile ? loadState(options.stateFile) : null;
  if (fromFile) state = fromFile;
  else if (options.seed) {
    const seeded = applySeed(typeof options.seed === 'string' ? readSeedFile(options.seed) : options.seed, newId);
    state = seeded.state;
    seedTokens = seeded.tokens;
  } else state = applySeed({}, newId).state;
  if (fromFile && options.seed) seedTokens = applySeed(typeof options.seed === 'string' ? readSeedFile(options.seed) : options.seed, newId).tokens;

  // The state file is written at once: an emulator that could not keep its state must not start.
  if (options.stateFile) {
    try {
      persistState(options.stateFile, state);
    } catch (error) {
      throw new Error(`cannot write the state file ${options.stateFile}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }

  const tokens = new Map<string, Scopes>();
  for (const t of [...(options.tokens ?? [{ token: DEFAULT_TOKEN, scopes: 'all' as const }]), ...seedTokens]) tokens.set(t.token, t.scopes);

  let behaviour: Behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
  const rate = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : typeof options.rateLimit === 'string' ? parseRateLimit(options.rateLimit) : options.rateLimit;
  const limiter = new RateLimiter(rate, Date.now);
  let faults: FaultInjector | null = null;
  const setFaults = (spec: string | FaultSpec | null | undefined) => {
    faults = spec ? new FaultInjector(typeof spec === 'string' ? parseFaults(spec) : spec) : null;
  };
  setFaults(options.faults);
  const settleMs = options.settleMs ?? 300;
  const log: RequestLogEntry[] = [];
  const violations: ContractViolation[] = [];
  const internal: string[] = [];
  const order = <T>(xs: readonly T[]): T[] => shuffled(xs, random);
  const fwContext = (): firewalls.FirewallContext => ({ state, behaviour, now: Date.now, settleMs, newId, order });
  const recordContract = options.contract === 'record';

  const sockets = new Set<Socket>();
  let base = '';

  /** One page of a list; only the page's items are presented (lists of thousands stay cheap). */
  function paginate<T>(url: URL, key: string, items: readonly T[], present: (item: T) => unknown = (x) => x): Record<string, unknown> {
    const pageText = url.searchParams.get('page') ?? '1';
    const perText = url.searchParams.get('per_page') ?? '20';
    if (!/^[1-9][0-9]*$/.test(pageText)) throw badRequest('page must be a positive integer');
    if (!/^[1-9][0-9]*$/.test(perText)) throw badRequest('per_page must be a positive integer');
    const page = Number(pageText);
    const perPage = Math.min(200, Number(perText));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const u = new URL(url.pathname + url.search, base);
      u.searchParams.set('page', String(p));
      u.searchParams.set('per_page', String(perPage));
      return u.toString();
    };
    const pages: Record<string, string> = {};
    if (page > 1) Object.assign(pages, { first: link(1), prev: link(Math.min(page - 1, last)) });
    if (page < last) Object.assign(pages, { next: link(page + 1), last: link(last) });
    return {
      [key]: items.slice((page - 1) * perPage, page * perPage).map(present),
      ...(last > 1 ? { links: { pages } } : { links: {} }),
      meta: { total: items.length },
    };
  }

  function dispatch(operationId: OperationId, params: Record<string, string>, url: URL, body: Record<string, unknown>): unknown {
    const fw = fwContext();
    switch (operationId) {
      case 'firewalls_list':
        return paginate(url, 'firewalls', state.firewalls, (f) => firewalls.presentFirewall(fw, f));
      case 'firewalls_create':
        return firewalls.createFirewall(fw, body);
      case 'firewalls_get':
        return firewalls.getFirewall(fw, params.firewall_id!);
      case 'firewalls_update':
        return firewalls.replaceFirewall(fw, params.firewall_id!, body);
      case 'firewalls_delete':
        return firewalls.deleteFirewall(fw, params.firewall_id!);
      case 'firewalls_add_rules':
        return firewalls.addRules(fw, params.firewall_id!, body);
      case 'firewalls_delete_rules':
        return firewalls.removeRules(fw, params.firewall_id!, body);
      case 'firewalls_add_tags':
        return firewalls.addTags(fw, params.firewall_id!, body);
      case 'firewalls_delete_tags':
        return firewalls.removeTags(fw, params.firewall_id!, body);
      case 'firewalls_assign_droplets':
        return firewalls.addDroplets(fw, params.firewall_id!, body);
      case 'firewalls_delete_droplets':
        return firewalls.removeDroplets(fw, params.firewall_id!, body);
      case 'tags_list':
        return paginate(url, 'tags', state.tags, (t) => resources.presentTag(state, t));
      case 'tags_create':
        return { tag: resources.presentTag(state, resources.createTag(state, body)) };
      case 'tags_get':
        return resources.getTag(state, params.tag_id!);
      case 'tags_delete':
        return resources.deleteTag(state, params.tag_id!);
      case 'droplets_list':
        return paginate(url, 'droplets', resources.listDroplets(state, url.searchParams), resources.presentDroplet);
      case 'loadBalancers_list':
        return paginate(url, 'load_balancers', state.load_balancers, resources.presentLoadBalancer);
      case 'vpcs_list':
        return paginate(url, 'vpcs', state.vpcs ?? [], resources.presentVpc);
      case 'vpcs_get':
        return resources.getVpc(state, params.vpc_id!);
      case 'kubernetes_list_clusters':
        return paginate(url, 'kubernetes_clusters', state.kubernetes_clusters, resources.presentCluster);
      case 'databases_list_clusters':
        return { databases: order(state.databases).map(resources.presentDatabase) };
      case 'databases_list_firewall_rules':
        return { rules: order(resources.findDatabase(state, params.database_cluster_uuid!).rules) };
      case 'databases_update_firewall_rules':
        return resources.replaceDatabaseRules(state, params.database_cluster_uuid!, body, newId, Date.now);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = newId();
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    let operationId: OperationId | null = null;
    let faultName: string | null = null;
    let status: number | null = null;
    const headers: Record<string, string> = { 'x-request-id': requestId };
    const entry = () => {
      const e: RequestLogEntry = {
        time: new Date(started).toISOString(),
        method,
        path: url.pathname,
        query: url.search,
        status,
        operationId,
        requestId,
        durationMs: Date.now() - started,
        fault: faultName,
      };
      log.push(e);
      if (typeof options.requestLog === 'function') options.requestLog(e);
      else if (typeof options.requestLog === 'string') appendFileSync(options.requestLog, JSON.stringify(e) + '\n');
    };
    const send = (code: number, body: unknown) => {
      status = code;
      if (recordContract && operationId) {
        const errors = validateResponse(operationId, code, body);
        if (errors.length > 0) violations.push({ operationId, direction: 'response', status: code, errors });
      }
      if (body === undefined) {
        res.writeHead(code, headers);
        res.end();
      } else {
        const text = JSON.stringify(body);
        res.writeHead(code, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
        res.end(text);
      }
    };
    const fail = (e: ApiFailure) => {
      if (e.rootCauses) send(e.status, { error: e.message, messages: [e.message], root_causes: [...e.rootCauses] });
      else send(e.status, { id: e.id, message: e.message, request_id: requestId });
    };
    try {
      // Read the body first, as a server does, bounded.
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req) {
        size += (chunk as Buffer).length;
        if (size > MAX_BODY) {
          fail(new ApiFailure(413, 'request_too_large', 'The request body is too large.'));
          return entry();
        }
        chunks.push(chunk as Buffer);
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');

      // GET /v2/droplets/{id}/firewalls is not in the bundled description (DO-API-FACTS.md 1).
      const byDroplet = method === 'GET' ? /^\/v2\/droplets\/([^/]+)\/firewalls$/.exec(url.pathname) : null;
      let found: ReturnType<typeof findOperation> = null;
      try {
        found = byDroplet ? null : findOperation(method, url.pathname);
      } catch (error) {
        // A path parameter that is not a valid %-escape (`/v2/tags/%zz`) is the client's mistake.
        if (error instanceof URIError) throw badRequest('The request path holds an invalid %-escape.');
        throw error;
      }
      if (!found && !byDroplet) throw notFound('The resource you were accessing could not be found.');
      operationId = (found?.operation.operationId as OperationId | undefined) ?? null;
      const token = authorize(tokens, req.headers.authorization, found ? found.operation.scopes : ['firewall:read']);
      const decision = limiter.take(token);
      Object.assign(headers, decision.headers);
      if (!decision.allowed) throw new ApiFailure(429, 'too_many_requests', 'API Rate limit exceeded.');

      const fault = faults?.decide(method, url.pathname) ?? { kind: null, delayMs: 0 };
      if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
      faultName = fault.kind;
      if (fault.kind === 'reset-before') {
        req.socket.destroy();
        return entry();
      }
      if (fault.kind === '500' || fault.kind === '502' || fault.kind === '503') {
        throw new ApiFailure(Number(fault.kind), 'server_error', 'Server was unable to give you a response.');
      }
      if (fault.kind === '429') {
        headers['retry-after'] = '1';
        throw new ApiFailure(429, 'too_many_requests', 'API Rate limit exceeded.');
      }

      let body: Record<string, unknown> = {};
      if (rawBody.trim() !== '') {
        try {
          body = JSON.parse(rawBody) as Record<string, unknown>;
        } catch {
          throw badRequest('The request body is not valid JSON.');
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
        if (nestingDepth(body) > MAX_DEPTH) throw badRequest(`The request body is nested deeper than ${MAX_DEPTH} levels.`);
      }
      if (recordContract && operationId && found?.operation.request) {
        const errors = validateRequest(operationId, body);
        if (errors.length > 0) violations.push({ operationId, direction: 'request', errors });
      }

      let result: unknown;
      if (byDroplet) {
        const list = firewalls.firewallsOfDroplet(fwContext(), Number(byDroplet[1]));
        result = paginate(url, 'firewalls', list, (f) => firewalls.presentFirewall(fwContext(), f));
      } else {
        // Handlers check everything before they change anything, so a refused request changes nothing.
        result = dispatch(operationId!, found!.params, url, body);
        if (method !== 'GET') {
          if (options.stateFile) persistState(options.stateFile, state);
          options.onMutation?.(cloneState(state), { method, path: url.pathname });
        }
      }
      if (fault.kind === 'reset-after') {
        // The change is made; the answer is lost.
        req.socket.destroy();
        return entry();
      }
      send(operationId ? (SUCCESS[operationId] ?? 200) : 200, result === undefined ? undefined : result);
    } catch (error) {
      if (error instanceof ApiFailure) fail(error);
      else {
        internal.push(`${method} ${url.pathname}: ${(error as Error).stack ?? String(error)}`);
        fail(new ApiFailure(500, 'server_error', 'Server was unable to give you a response.'));
      }
    }
    entry();
  }

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    if (options.unref) socket.unref();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (options.unref) server.unref();

  return {
    url: base,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      if (options.stateFile) persistState(options.stateFile, state);
    },
    state: () => cloneState(state),
    contractViolations: () => [...violations],
    requests: () => [...log],
    internalErrors: () => [...internal],
    setFaults,
    setBehaviour: (b) => {
      behaviour = { ...behaviour, ...b };
    },
    change: (f) => {
      f(state);
      if (options.stateFile) persistState(options.stateFile, state);
    },
  };
}
