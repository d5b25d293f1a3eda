/**
 * fwc's DigitalOcean API client: bearer auth, every page of a list, retries as the official Go client
 * makes them, pacing under the per-minute limit, bounded concurrency, and errors in a person's words.
 *
 * NOTE (DO-API-FACTS.md 7, godo with go-retryablehttp): up to 4 retries, waits from 1 s doubling to 30 s;
 * 429 honours `retry-after` (seconds or an HTTP date) or `ratelimit-reset`; every 5xx but 501 and every
 * connection error is retried. Limits are 250 requests a minute and 5,000 an hour per token (5.3).
 *
 * The token lives in a private field and appears in no message, log, error or inspection of the client.
 */
import { inspect } from 'node:util';
import { OPERATIONS, operationById, validateResponse, type OperationId, type SchemaError } from '../api/index.js';
import { ApiError } from './errors.js';
import { printable, QUOTED } from '../diagnostics/index.js';

export interface ClientEvent {
  readonly kind: 'retry' | 'rate-limited' | 'paced';
  readonly operation: string;
  readonly waitMs: number;
  readonly attempt?: number;
  readonly status?: number;
  readonly reason?: string;
}

export interface ClientOptions {
  readonly baseUrl: URL;
  readonly token: string;
  readonly userAgent?: string;
  /** Retries after the first attempt (default 4, as godo). */
  readonly maxRetries?: number;
  readonly retryWaitMinMs?: number;
  readonly retryWaitMaxMs?: number;
  /** The longest a 429's retry-after is honoured before giving up (default 10 minutes). */
  readonly maxRateLimitWaitMs?: number;
  /** Requests per minute the client allows itself (default 240: under DigitalOcean's 250). */
  readonly requestsPerMinute?: number;
  /** Requests in flight at once (default 4). */
  readonly concurrency?: number;
  /** The longest one request (answer and body) may take before it counts as lost (default 60 s). */
  readonly timeoutMs?: number;
  readonly onEvent?: (event: ClientEvent) => void;
  /** For tests: the clock, the sleep and the randomness of jitter. */
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly fetch?: typeof fetch;
  readonly signal?: AbortSignal;
}

export interface RequestInit {
  readonly params?: Readonly<Record<string, string | number>>;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
}

export interface Response<T> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

/** The most DigitalOcean returns per page. */
const PER_PAGE = 200;
const MINUTE_MS = 60_000;

/** What the client does when not told otherwise (ClientOptions says why each is what it is). */
const DEFAULTS = {
  maxRetries: 4,
  retryWaitMinMs: 1000,
  retryWaitMaxMs: 30_000,
  maxRateLimitWaitMs: 600_000,
  requestsPerMinute: 240,
  concurrency: 4,
  timeoutMs: 60_000,
} as const;
/** Past the time a 429 asks to wait, so that the next request lands after the reset, not on it. */
const RATE_LIMIT_MARGIN_MS = 50;
/**
 * The largest answer the client reads. A page of 200 droplets is a few MB; a body past this is not the
 * DigitalOcean API (a proxy's download, a stream that never ends) and is refused before it fills memory.
 */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;
/** Requests left in the hour at which the client waits for the reset rather than meet 429s. */
const HOURLY_RESERVE = 1;
/** Shorter tokens are not real (tests use `t`), and redacting them would redact every letter they share. */
const REDACTED_TOKEN_MIN = 8;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // The listener goes when the timer fires: many concurrent sleeps on one signal must not pile up.
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How long a 429 asks to wait: `retry-after` in seconds or as a date, else `ratelimit-reset`. */
export function rateLimitWait(headers: Headers, now: number): number | null {
  const after = headers.get('retry-after');
  if (after !== null) {
    if (/^\d+$/.test(after.trim())) return Number(after) * 1000;
    const date = Date.parse(after);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  const reset = headers.get('ratelimit-reset');
  if (reset !== null && /^\d+$/.test(reset.trim())) return Math.max(0, Number(reset) * 1000 - now);
  return null;
}

/** One request as it is sent, and whether a change may have been made though no answer came. */
interface Sent {
  readonly operation: string;
  readonly method: string;
  readonly url: URL;
  readonly body: unknown;
  readonly mutating: boolean;
  lostResponse: boolean;
}

export class DigitalOceanClient {
  readonly #token: string;
  readonly baseUrl: URL;
  private readonly options: Required<Omit<ClientOptions, 'onEvent' | 'signal' | 'token' | 'baseUrl' | 'userAgent'>> & Pick<ClientOptions, 'onEvent' | 'signal'>;
  private readonly userAgent: string;
  private readonly started: number[] = [];
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private hourlyRemaining: number | null = null;
  private hourlyReset = 0;
  /** Every request made, for benchmarks and tests: operation and status (or 0 for no response). */
  readonly history: { operation: string; status: number }[] = [];

  constructor(options: ClientOptions) {
    this.#token = options.token;
    this.baseUrl = options.baseUrl;
    this.userAgent = options.userAgent ?? 'fwc';
    this.options = {
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      retryWaitMinMs: options.retryWaitMinMs ?? DEFAULTS.retryWaitMinMs,
      retryWaitMaxMs: options.retryWaitMaxMs ?? DEFAULTS.retryWaitMaxMs,
      maxRateLimitWaitMs: options.maxRateLimitWaitMs ?? DEFAULTS.maxRateLimitWaitMs,
      requestsPerMinute: options.requestsPerMinute ?? DEFAULTS.requestsPerMinute,
      concurrency: options.concurrency ?? DEFAULTS.concurrency,
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      now: options.now ?? Date.now,
      sleep: options.sleep ?? defaultSleep,
      random: options.random ?? Math.random,
      fetch: options.fetch ?? fetch,
      onEvent: options.onEvent,
      signal: options.signal,
    };
  }

  /** Never show the token: not in logs, not in `console.log(client)`, not in JSON. */
  toJSON(): Record<string, string> {
    return { baseUrl: this.baseUrl.toString() };
  }

  [inspect.custom](): string {
    return `DigitalOceanClient { baseUrl: '${this.baseUrl}' }`;
  }

  private async slot(): Promise<void> {
    if (this.inFlight < this.options.concurrency) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
  }

  private release(): void {
    this.inFlight--;
    this.waiting.shift()?.();
  }

  /** Waits, if needed, so that no more than requestsPerMinute start in any minute. */
  private async pace(operation: string): Promise<void> {
    for (;;) {
      const now = this.options.now();
      while (this.started.length > 0 && now - this.started[0]! >= MINUTE_MS) this.started.shift();
      let wait = 0;
      if (this.started.length >= this.options.requestsPerMinute) wait = this.started[0]! + MINUTE_MS - now;
      // The hourly budget nearly spent: wait for it to come back rather than meet 429s.
      if (this.hourlyRemaining !== null && this.hourlyRemaining <= HOURLY_RESERVE && this.hourlyReset > now) wait = Math.max(wait, this.hourlyReset - now);
      if (wait <= 0) break;
      this.options.onEvent?.({ kind: 'paced', operation, waitMs: wait });
      await this.options.sleep(wait, this.options.signal);
    }
    this.started.push(this.options.now());
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.options.retryWaitMaxMs, this.options.retryWaitMinMs * 2 ** attempt);
    // Jitter: between half and all of the wait, so that clients retrying together spread out.
    return Math.round(base / 2 + (this.options.random() * base) / 2);
  }

  /** One API operation, retried as godo retries; resolves with the body or throws ApiError. */
  async request<T = unknown>(operationId: OperationId, init: RequestInit = {}): Promise<Response<T>> {
    const operation = operationById(operationId);
    let path = operation.path;
    for (const name of operation.params) path = path.replace(`{${name}}`, encodeURIComponent(String(init.params?.[name] ?? '')));
    const url = new URL(this.baseUrl.toString().replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(init.query ?? {})) url.searchParams.set(k, String(v));
    return this.send<T>(operationId, operation.method, url, init.body);
  }

  /** A request to a path outside the bundled description (GET /v2/droplets/{id}/firewalls). */
  async requestPath<T = unknown>(label: string, method: string, path: string, query: Record<string, string | number> = {}): Promise<Response<T>> {
    const url = new URL(this.baseUrl.toString().replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
    return this.send<T>(label, method, url, undefined);
  }

  /** Any text that came from outside, made safe to show: never the token, no control characters. */
  private redact(text: string): string {
    const token = this.#token;
    return printable(token.length < REDACTED_TOKEN_MIN ? text : text.split(token).join('[token]'), QUOTED.message);
  }

  private async send<T>(operation: string, method: string, url: URL, body: unknown): Promise<Response<T>> {
    const request: Sent = { operation, method, url, body, mutating: method !== 'GET', lostResponse: false };
    const user = this.options.signal;
    for (let attempt = 0; ; attempt++) {
      if (user?.aborted) throw user.reason;
      const answer = await this.attempt(request);
      if ('reason' in answer) {
        if (attempt >= this.options.maxRetries) throw ApiError.network(operation, method, url, answer.reason, request.lostResponse);
        const wait = this.backoff(attempt);
        this.options.onEvent?.({ kind: 'retry', operation, waitMs: wait, attempt: attempt + 1, reason: answer.reason });
        await this.options.sleep(wait, user);
        continue;
      }
      const { response, text } = answer;
      if (text === null) {
        throw ApiError.badResponse(operation, method, url, response.status, `larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MB, far more than any answer of the DigitalOcean API`, response.headers, request.mutating);
      }
      if (response.status >= 300 && response.status < 400) {
        throw ApiError.badResponse(operation, method, url, response.status, `a redirect (${response.status}) to ${this.redact(safeLocation(response.headers.get('location')))}, which fwc does not follow`, response.headers, false);
      }
      this.noteRateLimit(response.headers);
      const parsed = this.parse(text);
      if (response.ok) return this.accepted<T>(request, response, text, parsed);
      const fail = () => {
        const error = ApiError.fromResponse(operation, method, url, response.status, parsed.value, response.headers, request.lostResponse);
        error.message = this.redact(error.message);
        return error;
      };
      const wait = attempt < this.options.maxRetries ? this.retryWait(response, attempt) : null;
      if (wait === null) throw fail();
      this.options.onEvent?.({ kind: response.status === 429 ? 'rate-limited' : 'retry', operation, waitMs: wait, attempt: attempt + 1, status: response.status });
      await this.options.sleep(wait, user);
    }
  }

  /**
   * One attempt: the answer and its body, or why there is none (the connection, the time limit). One
   * time limit for the answer and its body. Ctrl-C stops a read in flight at once; a change in flight is
   * let finish (within the limit), so that the step it belongs to ends known, not ambiguous (a second
   * Ctrl-C exits at once: cli/entry.ts).
   */
  private async attempt(request: Sent): Promise<{ response: globalThis.Response; text: string | null } | { reason: string }> {
    const { operation, method, url, body, mutating } = request;
    const user = this.options.signal;
    await this.slot();
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = user && !mutating ? AbortSignal.any([timeout, user]) : timeout;
    try {
      await this.pace(operation);
      const response = await this.options.fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json',
          'user-agent': this.userAgent,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        // A redirect would replay the token (and a POST body) to wherever it points, plain http included.
        redirect: 'manual',
        signal,
      });
      const text = await readCapped(response, MAX_ANSWER_BYTES);
      this.history.push({ operation, status: response.status });
      return { response, text };
    } catch (error) {
      this.history.push({ operation, status: 0 });
      if (user?.aborted && !mutating) throw user.reason;
      // A dropped connection on a change: it may or may not have been made.
      if (mutating) request.lostResponse = true;
      return { reason: networkReason(error, timeout.aborted, this.options.timeoutMs) };
    } finally {
      this.release();
    }
  }

  /** DigitalOcean's hourly budget, as the last answer gave it. */
  private noteRateLimit(headers: Headers): void {
    const remaining = headers.get('ratelimit-remaining');
    const reset = headers.get('ratelimit-reset');
    if (remaining !== null && /^\d+$/.test(remaining)) this.hourlyRemaining = Number(remaining);
    if (reset !== null && /^\d+$/.test(reset)) this.hourlyReset = Number(reset) * 1000;
  }

  /** The body as JSON; text that is not JSON is kept, made safe to quote. */
  private parse(text: string): { value: unknown; notJson: boolean } {
    if (text.trim() === '') return { value: undefined, notJson: false };
    try {
      return { value: JSON.parse(text), notJson: false };
    } catch {
      return { value: this.redact(text), notJson: true };
    }
  }

  /**
   * A successful answer, used only if it has the shape the API description gives; anything else (a
   * proxy's HTML page, a truncated body, `null`) stops the command instead of reading as an empty list.
   */
  private accepted<T>(request: Sent, response: globalThis.Response, text: string, parsed: { value: unknown; notJson: boolean }): Response<T> {
    const { operation, method, url, mutating } = request;
    if (parsed.notJson) throw ApiError.badResponse(operation, method, url, response.status, `not JSON (${describeText(text, this.redact(text))})`, response.headers, mutating);
    const problems = isOperation(operation) ? checkResponse(operation, response.status, parsed.value) : [];
    if (problems.length > 0) {
      const first = problems[0]!;
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      throw ApiError.badResponse(operation, method, url, response.status, `${first.path === '/' ? 'the body' : `at ${this.redact(first.path)}`}: ${this.redact(first.message)}${more}`, response.headers, mutating);
    }
    return { status: response.status, body: parsed.value as T, headers: response.headers };
  }

  /** How long to wait before retrying a failed answer; null when it is not worth retrying. */
  private retryWait(response: globalThis.Response, attempt: number): number | null {
    const retryable = response.status === 429 || (response.status >= 500 && response.status !== 501);
    if (!retryable) return null;
    // A 503 may ask for a pause with retry-after; its ratelimit-reset is about the hourly quota, not it.
    if (response.status === 429 || (response.status === 503 && response.headers.has('retry-after'))) {
      const asked = rateLimitWait(response.headers, this.options.now());
      if (asked !== null) return asked > this.options.maxRateLimitWaitMs ? null : asked + RATE_LIMIT_MARGIN_MS;
    }
    return this.backoff(attempt);
  }

  /**
   * Every item of a list, reading every page with per_page=200 (the most DigitalOcean serves). It
   * follows `links.pages.next`, and stops at `meta.total` when the links are missing. A list that never
   * ends (more pages than `meta.total` allows, or a page that repeats the one before) is an error.
   */
  async listAll<T>(operationId: OperationId, key: string, query: Record<string, string | number> = {}): Promise<T[]> {
    type Page = { items: T[]; next: boolean; total: number | undefined; text: string };
    const operation = operationById(operationId);
    const url = new URL(this.baseUrl.toString().replace(/\/$/, '') + operation.path);
    const fetchPage = async (page: number): Promise<Page> => {
      const { body, status, headers } = await this.request<Record<string, unknown>>(operationId, { query: { ...query, per_page: PER_PAGE, page } });
      const items = body[key];
      if (!Array.isArray(items)) throw ApiError.badResponse(operationId, 'GET', url, status, `page ${page} has no \`${key}\` list`, headers, false);
      const links = body.links as { pages?: { next?: string } } | undefined;
      const total = (body.meta as { total?: number } | undefined)?.total;
      return { items: items as T[], next: links?.pages?.next !== undefined, total, text: JSON.stringify(items) };
    };
    const endless = (detail: string) => ApiError.badResponse(operationId, 'GET', url, 200, `the list does not end: ${detail}`, new Headers(), false);
    const first = await fetchPage(1);
    const items = [...first.items];
    // `meta.total` says how many pages there are: ask for the rest at once (the client's concurrency
    // bounds it), then go on one by one if the list grew meanwhile.
    const known = first.total !== undefined && first.items.length > 0 ? Math.ceil(first.total / PER_PAGE) : 1;
    const rest = await Promise.all(Array.from({ length: Math.max(0, known - 1) }, (_, i) => fetchPage(i + 2)));
    let last = first;
    for (const page of rest) {
      if (page.items.length > 0 && page.text === last.text) throw endless(`page ${rest.indexOf(page) + 2} repeats the page before`);
      items.push(...page.items);
      last = page;
    }
    let most = Math.max(first.total ?? 0, last.total ?? 0);
    for (let page = known + 1; ; page++) {
      const more = last.next || (last.total !== undefined && items.length < last.total);
      if (!more || last.items.length === 0) return items;
      // One page beyond what the largest total seen needs is allowed (the list may grow while read).
      if (page > Math.ceil(most / PER_PAGE) + 1) throw endless(`page ${page} is offered, but meta.total (${most}) needs ${Math.ceil(most / PER_PAGE)}`);
      const next = await fetchPage(page);
      if (next.items.length > 0 && next.text === last.text) throw endless(`page ${page} repeats the page before`);
      last = next;
      most = Math.max(most, last.total ?? 0);
      items.push(...last.items);
    }
  }
}

const OPERATION_IDS = new Set<string>(OPERATIONS.map((o) => o.operationId));
function isOperation(id: string): id is OperationId {
  return OPERATION_IDS.has(id);
}

/**
 * The schema's complaints about an answer, but for a rule's `protocol` or `ports` that fwc cannot read:
 * that is drift in the account (fromApi.ts keeps such rules, to remove them), not a broken answer.
 */
function checkResponse(operationId: OperationId, status: number, body: unknown): SchemaError[] {
  const errors = validateResponse(operationId, status, body).filter(
    (e) => !(/\/(inbound|outbound)_rules\/\d+\/(protocol|ports)$/.test(e.path) && /^must (be equal to one of the allowed values|match pattern)/.test(e.message)),
  );
  // The description leaves these optional, but an answer without them says nothing of what was made.
  const need = ANSWER_OBJECTS[operationId];
  if (errors.length === 0 && need) {
    const inner = body !== null && typeof body === 'object' ? ((body as Record<string, unknown>)[need.key] as Record<string, unknown> | null | undefined) : undefined;
    if (inner === null || typeof inner !== 'object') errors.push({ path: '/', message: `has no \`${need.key}\` object` });
    else if (typeof inner[need.field] !== 'string' || inner[need.field] === '') errors.push({ path: `/${need.key}`, message: `has no \`${need.field}\`` });
  }
  return errors;
}

/** Answers that must hold the object they are about, with its identifier. */
const ANSWER_OBJECTS: Partial<Record<OperationId, { key: string; field: string }>> = {
  firewalls_create: { key: 'firewall', field: 'id' },
  firewalls_get: { key: 'firewall', field: 'id' },
  firewalls_update: { key: 'firewall', field: 'id' },
  tags_create: { key: 'tag', field: 'name' },
  tags_get: { key: 'tag', field: 'name' },
};

/** A redirect's target without any credentials it may carry. */
function safeLocation(location: string | null): string {
  if (location === null) return 'nowhere';
  try {
    const u = new URL(location);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return 'an unreadable address';
  }
}

/** The body as text, or null when it is larger than `max` bytes (then it is not read further). */
async function readCapped(response: globalThis.Response, max: number): Promise<string | null> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await response.body?.cancel();
    return null;
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describeText(raw: string, shown: string): string {
  if (/^\s*</.test(raw)) return 'an HTML or XML page';
  if (/^\s*[[{]/.test(raw)) return `cut off or malformed after ${raw.length} characters`;
  return `it starts ${JSON.stringify(shown.slice(0, QUOTED.start))}`;
}

/**
 * Why a request got no answer, in fwc's words. Only an error code (ECONNREFUSED, UND_ERR_SOCKET) is
 * passed on from the library, never its message: messages may quote request headers, the token with them.
 */
function networkReason(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `no complete answer within ${Math.round(timeoutMs / 100) / 10} s`;
  const e = error as { name?: string; code?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : typeof e?.code === 'string' ? e.code : null;
  if (code !== null && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
  if (e?.name === 'TimeoutError') return 'the request timed out';
  return 'the connection failed';
}
