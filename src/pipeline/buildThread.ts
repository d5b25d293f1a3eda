/**
 * Building a version whose errors alone are reported (the old side of `fwc diff`) on a second thread,
 * while the main thread builds the other. Compiling is most of a build (a 10,000-statement policy: ~0.8 s
 * of ~1.2 s), and the main thread needs the old version's checked policies anyway (their tags, endpoints
 * and expectations are judged in the diff), so the worker compiles and the main thread only parses and
 * checks, then pairs each checked policy with the firewalls the worker compiled from the same text.
 *
 * Where no worker can run (under tsx, whose worker would spend seconds compiling TypeScript, or with
 * FWC_BUILD_THREADS=1), for small inputs (a worker costs ~100 ms to start), and whenever the worker finds
 * errors or fails, the main thread builds the version as buildPolicies does, so what is reported is the
 * same either way (test/cli/built.test.ts compares the two).
 */
import { Worker } from 'node:worker_threads';
import type { CompiledPolicy } from '../compile/index.js';
import { hasErrors, type Diagnostic } from '../diagnostics/index.js';
import type { SourceFile } from '../source/index.js';
import { buildPolicies, checkPolicies, type BuiltPolicy } from './build.js';

/** Below this much text (≈2,000 statements) starting a worker costs more than it saves. */
export const THREAD_THRESHOLD_CHARS = 100_000;

export interface BuildRequest {
  readonly files: readonly { readonly path: string; readonly text: string }[];
  readonly asOf: string;
}

export type BuildReply = { readonly ok: true; readonly compiled: readonly CompiledPolicy[] } | { readonly ok: false };

/** A build of policies whose errors alone are reported: no lints, and only error diagnostics. */
export interface ErrorsOnlyBuild {
  readonly policies: readonly BuiltPolicy[];
  /** The errors of the build (what buildPolicies reports, without its warnings). */
  readonly errors: readonly Diagnostic[];
}

/** Where the worker's code is: the CLI's entry (bundle) sets it; under tsx there is none. */
function workerUrl(): URL | undefined {
  return (globalThis as { __fwcBuildWorker?: URL }).__fwcBuildWorker;
}

function onMainThread(files: readonly SourceFile[], asOf: string): ErrorsOnlyBuild {
  const built = buildPolicies(files, { asOf, lints: false });
  return { policies: built.policies, errors: built.diagnostics.filter((d) => d.severity === 'error') };
}

/**
 * Starts building `files` (with `lints: false`) on a second thread where that pays; `finish()` gives the
 * build. Call it after the main thread's own work: it parses and checks the files there.
 */
export function startErrorsOnlyBuild(files: readonly SourceFile[], asOf: string): { finish(): Promise<ErrorsOnlyBuild> } {
  const url = workerUrl();
  const size = files.reduce((n, f) => n + f.text.length, 0);
  if (!url || size < THREAD_THRESHOLD_CHARS || process.env.FWC_BUILD_THREADS === '1') return { finish: async () => onMainThread(files, asOf) };
  let reply: Promise<BuildReply>;
  try {
    const worker = new Worker(url, { workerData: { files: files.map((f) => ({ path: f.path, text: f.text })), asOf } satisfies BuildRequest });
    reply = new Promise<BuildReply>((resolve) => {
      worker.once('message', (m: BuildReply) => resolve(m));
      worker.once('error', () => resolve({ ok: false }));
      worker.once('exit', () => resolve({ ok: false }));
    });
  } catch {
    reply = Promise.resolve({ ok: false });
  }
  return {
    async finish() {
      const checked = checkPolicies(files, { asOf });
      const answer = await reply;
      // The worker built the same texts; anything but a clean build of the same policies is built here.
      if (!answer.ok || hasErrors(checked.diagnostics) || answer.compiled.length !== checked.policies.length) return onMainThread(files, asOf);
      if (checked.policies.some((p, i) => answer.compiled[i]!.policy !== p.name)) return onMainThread(files, asOf);
      return { policies: checked.policies.map((policy, i) => ({ policy, compiled: answer.compiled[i]! })), errors: [] };
    },
  };
}
