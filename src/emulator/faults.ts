/**
 * Fault injection, seeded and reproducible: server errors, rate limiting, connections reset before or
 * after the change is made, and latency. The same seed and the same sequence of requests give the same
 * faults.
 *
 * SPEC: `seed=7;rate=0.2;kinds=500,502,503,429,reset-before,reset-after;latency=0-40ms;methods=POST,DELETE;paths=^/v2/firewalls`
 * (every part optional; `rate` defaults to 0.1, `kinds` to all of them, `methods` and `paths` to all).
 */
import { badRequest } from './errors.js';
import { prng } from './random.js';

export const FAULT_KINDS = ['500', '502', '503', '429', 'reset-before', 'reset-after'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  readonly seed: number;
  readonly rate: number;
  readonly kinds: readonly FaultKind[];
  readonly latency?: { readonly min: number; readonly max: number };
  readonly methods?: readonly string[];
  readonly paths?: string;
}

/** The fault generator's seed when the spec gives none. */
const DEFAULT_FAULT_SEED = 1;
/** The share of requests that fail when the spec gives no `rate`: one in ten. */
const DEFAULT_FAULT_RATE = 0.1;

export function parseFaults(spec: string): FaultSpec {
  let seed = DEFAULT_FAULT_SEED;
  let rate = DEFAULT_FAULT_RATE;
  let kinds: FaultKind[] = [...FAULT_KINDS];
  let latency: FaultSpec['latency'];
  let methods: string[] | undefined;
  let paths: string | undefined;
  for (const part of spec.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    switch (key) {
      case 'seed':
        seed = Number(value);
        if (!Number.isInteger(seed)) throw badRequest(`fault seed '${value}' is not an integer`);
        break;
      case 'rate':
        rate = Number(value);
        if (!(rate >= 0 && rate <= 1)) throw badRequest(`fault rate '${value}' is not between 0 and 1`);
        break;
      case 'kinds': {
        const list = value.split(',').map((k) => k.trim());
        for (const k of list) if (!(FAULT_KINDS as readonly string[]).includes(k)) throw badRequest(`fault kind '${k}' is not one of ${FAULT_KINDS.join(', ')}`);
        kinds = list as FaultKind[];
        break;
      }
      case 'latency': {
        const m = /^(\d+)(?:-(\d+))?ms$/.exec(value);
        if (!m) throw badRequest(`latency '${value}' is not like 0-40ms`);
        latency = { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
        break;
      }
      case 'methods':
        methods = value.split(',').map((m) => m.trim().toUpperCase());
        break;
      case 'paths':
        try {
          new RegExp(value);
        } catch {
          throw badRequest(`paths '${value}' is not a regular expression`);
        }
        paths = value;
        break;
      default:
        throw badRequest(`unknown fault setting '${key}' (seed, rate, kinds, latency, methods, paths)`);
    }
  }
  return { seed, rate, kinds, ...(latency ? { latency } : {}), ...(methods ? { methods } : {}), ...(paths ? { paths } : {}) };
}

export interface FaultDecision {
  readonly kind: FaultKind | null;
  readonly delayMs: number;
}

export class FaultInjector {
  private readonly random: () => number;
  private readonly paths: RegExp | null;

  constructor(readonly spec: FaultSpec) {
    this.random = prng(spec.seed);
    this.paths = spec.paths ? new RegExp(spec.paths) : null;
  }

  decide(method: string, path: string): FaultDecision {
    if (this.spec.methods && !this.spec.methods.includes(method)) return { kind: null, delayMs: 0 };
    if (this.paths && !this.paths.test(path)) return { kind: null, delayMs: 0 };
    const hit = this.random() < this.spec.rate;
    const pick = this.random();
    const delay = this.random();
    const kind = hit && this.spec.kinds.length > 0 ? this.spec.kinds[Math.floor(pick * this.spec.kinds.length)]! : null;
    const l = this.spec.latency;
    return { kind, delayMs: l ? Math.round(l.min + delay * (l.max - l.min)) : 0 };
  }
}
