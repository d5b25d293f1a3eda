/** What startEmulator takes (EmulatorOptions) and what it gives back (Emulator). */
import type { TokenSpec } from './auth.js';
import type { Behaviour } from './behaviour.js';
import type { ContractViolation } from './contract.js';
import type { FaultSpec } from './faults.js';
import type { RateLimitSpec } from './rateLimit.js';
import type { RequestLogEntry, RequestLogSink } from './requestLog.js';
import type { SeedData } from './seed.js';
import type { EmulatorState, EmulatorStateSnapshot } from './state.js';

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
  requestLog?: RequestLogSink;
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
