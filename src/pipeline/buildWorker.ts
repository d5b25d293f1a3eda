/**
 * The worker of buildThread.ts (bundled as dist/buildWorker.cjs): builds the files it is given, as
 * buildPolicies does, and answers with the diagnostics, their files as indexes into the list it was
 * given (a SourceFile does not cross threads; the main thread has the same ones).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Diagnostic, Label } from '../diagnostics/index.js';
import { SourceFile } from '../source/index.js';
import { buildPolicies } from './build.js';
import type { BuildReply, BuildRequest, SentDiagnostic, SentLabel } from './buildThread.js';

const request = workerData as BuildRequest;
let reply: BuildReply;
try {
  const files = request.files.map((f) => new SourceFile(f.path, f.text));
  const index = new Map(files.map((f, i) => [f, i]));
  const label = (l: Label): SentLabel => ({ file: index.get(l.file)!, span: l.span, message: l.message });
  const send = (d: Diagnostic): SentDiagnostic => ({ ...d, code: d.code.code, primary: d.primary ? label(d.primary) : null, secondary: d.secondary.map(label) });
  const built = buildPolicies(files, { asOf: request.asOf });
  reply = { ok: true, diagnostics: built.diagnostics.map(send) };
} catch {
  reply = { ok: false };
}
parentPort!.postMessage(reply);
