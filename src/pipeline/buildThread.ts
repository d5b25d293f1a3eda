/**
 * The analyses of a large version (expectations and lints: for a 10,000-statement policy about as long
 * as parsing, checking and compiling it) on a second thread, while the main thread does what needs the
 * compiled policies themselves (`fwc diff`: the old version, and the flows that change). The worker
 * builds the files as buildPolicies does and sends back only the diagnostics; the main thread compiles
 * the same texts without the analyses, so that it has the policies at hand. Parsing, checking and
 * compiling are done twice, but on two cores what the user waits for is shorter (bench/diff.ts).
 *
 * Where no worker can run (under tsx, whose worker would spend seconds compiling TypeScript), where it
 * does not pay (small inputs: a worker costs ~100 ms to start; fewer than four cores), and whenever the
 * worker fails, the main thread runs the analyses itself: the diagnostics are the same either way
 * (test/cli/built.test.ts compares the two).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { lookupCode, type Diagnostic, type Label } from '../diagnostics/index.js';
import type { Span, SourceFile } from '../source/index.js';
import { analysePolicies, compilePolicies, releaseCompiled, type BuildResult, type CompiledPolicies } from './build.js';
import { workerFile } from './workers.js';

/** Below this much text (≈2,000 statements) starting a worker costs more than it saves. */
export const THREAD_THRESHOLD_CHARS = 100_000;

export interface BuildRequest {
  readonly files: readonly { readonly path: string; readonly text: string }[];
  readonly asOf: string;
}

/** A label with its file as an index into the request's files. */
export interface SentLabel {
  readonly file: number;
  readonly span: Span;
  readonly message: string;
}

/** A diagnostic as it crosses threads: its code by name, its labels' files by index. */
export type SentDiagnostic = Omit<Diagnostic, 'code' | 'primary' | 'secondary'> & {
  readonly code: string;
  readonly primary: SentLabel | null;
  readonly secondary: readonly SentLabel[];
};

export type BuildReply = { readonly ok: true; readonly diagnostics: readonly SentDiagnostic[] } | { readonly ok: false };

/**
 * Whether a second build pays: the analyses of a large version on another thread mean parsing, checking
 * and compiling it twice, which is a gain only with a core to spare. On two cores there is none: V8's
 * garbage collector and the parse worker (parallelMatch.ts) already keep the second one busy, and
 * a diff measured 4.1–5.1 s on one thread against 4.3–6.6 s on two (bench/diff.ts, 2026-12-03).
 * FWC_BUILD_THREADS=1 never starts the thread, =2 always does (tests of the threaded path).
 */
function threadsPay(size: number): boolean {
  const forced = process.env.FWC_BUILD_THREADS;
  if (forced === '1') return false;
  if (forced === '2') return true;
  return size >= THREAD_THRESHOLD_CHARS && availableParallelism() >= 4;
}

function received(files: readonly SourceFile[], sent: readonly SentDiagnostic[]): Diagnostic[] | null {
  const out: Diagnostic[] = [];
  for (const d of sent) {
    const code = lookupCode(d.code);
    const label = (l: SentLabel): Label | null => (files[l.file] ? { file: files[l.file]!, span: l.span, message: l.message } : null);
    const primary = d.primary ? label(d.primary) : null;
    const secondary = d.secondary.map(label);
    if (!code || (d.primary && !primary) || secondary.some((l) => l === null)) return null;
    out.push({ ...d, code, primary, secondary: secondary as Label[] });
  }
  return out;
}

/** The analyses of a version running on a second thread. */
export interface AnalysesAside {
  /** Compiles the files here, without the analyses (the worker runs them). */
  compile(): CompiledPolicies;
  /** The build as buildPolicies gives it: the worker's diagnostics, or the analyses run here. */
  finish(compiled: CompiledPolicies): Promise<BuildResult>;
}

/**
 * Starts building `files` on a second thread for their diagnostics, where that pays; null where it does
 * not (then build them with buildPolicies).
 */
export function startAnalysesAside(files: readonly SourceFile[], asOf: string): AnalysesAside | null {
  const url = workerFile('build');
  const size = files.reduce((n, f) => n + f.text.length, 0);
  if (!url || !threadsPay(size)) return null;
  let reply: Promise<BuildReply>;
  try {
    const worker = new Worker(url, { workerData: { files: files.map((f) => ({ path: f.path, text: f.text })), asOf } satisfies BuildRequest });
    reply = new Promise<BuildReply>((resolve) => {
      worker.once('message', (m: BuildReply) => resolve(m));
      worker.once('error', () => resolve({ ok: false }));
      worker.once('exit', () => resolve({ ok: false }));
    });
  } catch {
    return null;
  }
  const options = { asOf };
  return {
    compile() {
      const compiled = compilePolicies(files, options);
      // What compiling kept for the analyses is not needed here (a fallback works it out again).
      releaseCompiled(compiled);
      return compiled;
    },
    async finish(compiled) {
      const r = await reply;
      const diagnostics = r.ok ? received(files, r.diagnostics) : null;
      return diagnostics ? { policies: compiled.policies, diagnostics } : analysePolicies(compiled, options);
    },
  };
}
