/**
 * Everything one running emulator shares between the steps of its requests, in one object: the account,
 * the tokens, the current behaviour and faults, the rate limiter, the seeded randomness, and what it
 * records (request log, contract violations, internal errors). Steps receive it; nothing is captured.
 */
import { DEFAULT_TOKEN, type Scopes } from './auth.js';
import { DEFAULT_BEHAVIOUR, type Behaviour } from './behaviour.js';
import type { ContractViolation } from './contract.js';
import { FaultInjector, parseFaults, type FaultSpec } from './faults.js';
import type { FirewallContext } from './firewalls.js';
import type { EmulatorOptions } from './options.js';
import { prng, shuffled, uuid } from './random.js';
import { DEFAULT_RATE_LIMIT, parseRateLimit, RateLimiter } from './rateLimit.js';
import type { RequestLogEntry, RequestLogSink } from './requestLog.js';
import { startingAccount } from './startingAccount.js';
import { cloneState, persistState, type EmulatorState } from './state.js';

/** The default seed of the order shuffling and of generated ids (any fixed number: runs repeat). */
export const DEFAULT_SHUFFLE_SEED = 20261124;
/** Milliseconds a changed firewall stays `waiting`, by default: long enough for a client to see it. */
export const DEFAULT_SETTLE_MS = 300;

export class EmulatorContext {
  readonly random: () => number;
  readonly state: EmulatorState;
  /** Every accepted token and its scopes: the option's (or the default one) and the seed's. */
  readonly tokens = new Map<string, Scopes>();
  behaviour: Behaviour;
  readonly limiter: RateLimiter;
  faults: FaultInjector | null = null;
  readonly settleMs: number;
  readonly recordContract: boolean;
  readonly log: RequestLogEntry[] = [];
  /** Where entries go besides memory (the requestLog option); dropped if it cannot be written. */
  logSink: RequestLogSink | undefined;
  readonly violations: ContractViolation[] = [];
  /** Handler exceptions, as `METHOD path: stack`. */
  readonly internalErrors: string[] = [];
  /** The server's address (`http://127.0.0.1:PORT`), known once it listens. */
  base = '';

  /** The steps run in this order, as they always have: a bad state file or seed is reported first. */
  constructor(readonly options: EmulatorOptions) {
    this.random = prng(options.shuffleSeed ?? DEFAULT_SHUFFLE_SEED);
    this.logSink = options.requestLog;
    const account = startingAccount(options.stateFile, options.seed, this.newId);
    this.state = account.state;
    for (const t of [...(options.tokens ?? [{ token: DEFAULT_TOKEN, scopes: 'all' as const }]), ...account.tokens]) this.tokens.set(t.token, t.scopes);
    this.behaviour = { ...DEFAULT_BEHAVIOUR, ...options.behaviour };
    const rate = options.rateLimit === undefined ? DEFAULT_RATE_LIMIT : typeof options.rateLimit === 'string' ? parseRateLimit(options.rateLimit) : options.rateLimit;
    this.limiter = new RateLimiter(rate, Date.now);
    this.setFaults(options.faults);
    this.settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
    this.recordContract = options.contract === 'record';
  }

  /** A fresh id (a version-4-shaped UUID) from the seeded generator. */
  readonly newId = (): string => uuid(this.random);

  /** A shuffled copy: DigitalOcean returns lists in an order that changes between reads. */
  readonly order = <T>(xs: readonly T[]): T[] => shuffled(xs, this.random);

  setFaults(spec: string | FaultSpec | null | undefined): void {
    this.faults = spec ? new FaultInjector(typeof spec === 'string' ? parseFaults(spec) : spec) : null;
  }

  setBehaviour(b: Partial<Behaviour>): void {
    this.behaviour = { ...this.behaviour, ...b };
  }

  /** What the firewall handlers see: the account and the behaviour as they are now. */
  firewallContext(): FirewallContext {
    return { state: this.state, behaviour: this.behaviour, now: Date.now, settleMs: this.settleMs, newId: this.newId, order: this.order };
  }

  /** Writes the state file, if there is one. */
  persist(): void {
    if (this.options.stateFile) persistState(this.options.stateFile, this.state);
  }

  /** After a successful change: the state file rewritten, and the onMutation hook told. */
  mutated(method: string, path: string): void {
    this.persist();
    this.options.onMutation?.(cloneState(this.state), { method, path });
  }
}
