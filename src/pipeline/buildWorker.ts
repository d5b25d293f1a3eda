/**
 * The worker of buildThread.ts: builds the files it is given (bundled as dist/buildWorker.cjs) and
 * answers with their compiled policies, or with `ok: false` when the build found errors or failed, in
 * which case the main thread builds them itself and reports what it finds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { hasErrors } from '../diagnostics/index.js';
import { SourceFile } from '../source/index.js';
import { buildPolicies } from './build.js';
import type { BuildReply, BuildRequest } from './buildThread.js';

const request = workerData as BuildRequest;
let reply: BuildReply;
try {
  const built = buildPolicies(
    request.files.map((f) => new SourceFile(f.path, f.text)),
    { asOf: request.asOf, lints: false },
  );
  reply = hasErrors(built.diagnostics) ? { ok: false } : { ok: true, compiled: built.policies.map((p) => p.compiled) };
} catch {
  reply = { ok: false };
}
parentPort!.postMessage(reply);
