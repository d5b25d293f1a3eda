/**
 * Rate limits per token, in sliding windows: by default 250 requests a minute and 5,000 an hour, with
 * the `ratelimit-limit/-remaining/-reset` headers on every response and `retry-after` on a 429.
 * NOTE: DO-API-FACTS.md 5.3.
 */
import { badRequest } from './errors.js';

export interface RateLimitSpec {
  readonly perMinute: number;
  readonly perHour: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitSpec = { perMinute: 250, perHour: 5000 };

/** The two sliding windows, in milliseconds. */
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const SECONDS_PER_MINUTE = 60;
const MS_PER_SECOND = 1000;
/** What the headers say when there is no hourly limit (`off`, or a per-minute one only): DigitalOcean's. */
const UNLIMITED_HEADER_LIMIT = DEFAULT_RATE_LIMIT.perHour;

/** Parses `250/min,5000/h`, `10/s`, or `off`. */
export function parseRateLimit(spec: string): RateLimitSpec | null {
  if (spec.trim() === 'off') return null;
  let perMinute = Infinity;
  let perHour = Infinity;
  for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)\/(s|sec|min|m|h|hour)$/.exec(part);
    if (!m) throw badRequest(`rate limit '${part}' is not like 250/min or 5000/h`);
    const n = Number(m[1]);
    if (m[2] === 's' || m[2] === 'sec') perMinute = Math.min(perMinute, n * SECONDS_PER_MINUTE);
    else if (m[2] === 'min' || m[2] === 'm') perMinute = Math.min(perMinute, n);
    else perHour = Math.min(perHour, n);
  }
  return { perMinute, perHour };
}

export interface RateDecision {
  readonly allowed: boolean;
  readonly headers: Record<string, string>;
}

export class RateLimiter {
  private readonly seen = new Map<string, number[]>();

  constructor(
    private readonly spec: RateLimitSpec | null,
    private readonly now: () => number,
  ) {}

  /** Counts a request of `token` (unless refused) and says whether it may go on, with the headers. */
  take(token: string): RateDecision {
    const now = this.now();
    const times = (this.seen.get(token) ?? []).filter((t) => now - t < HOUR_MS);
    this.seen.set(token, times);
    const limit = this.spec?.perHour ?? UNLIMITED_HEADER_LIMIT;
    const inMinute = times.filter((t) => now - t < MINUTE_MS);
    const headers = (remaining: number) => ({
      'ratelimit-limit': String(Number.isFinite(limit) ? limit : UNLIMITED_HEADER_LIMIT),
      'ratelimit-remaining': String(Math.max(0, Number.isFinite(limit) ? remaining : UNLIMITED_HEADER_LIMIT)),
      'ratelimit-reset': String(Math.ceil(((times[0] ?? now) + HOUR_MS) / MS_PER_SECOND)),
    });
    if (this.spec) {
      if (inMinute.length >= this.spec.perMinute) {
        const wait = Math.max(1, Math.ceil((inMinute[0]! + MINUTE_MS - now) / MS_PER_SECOND));
        return { allowed: false, headers: { ...headers(limit - times.length), 'retry-after': String(wait) } };
      }
      if (times.length >= this.spec.perHour) {
        const wait = Math.max(1, Math.ceil((times[0]! + HOUR_MS - now) / MS_PER_SECOND));
        return { allowed: false, headers: { ...headers(0), 'retry-after': String(wait) } };
      }
    }
    times.push(now);
    return { allowed: true, headers: headers(limit - times.length) };
  }
}
