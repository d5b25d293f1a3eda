/**
 * The program entry of the bundled CLI (bin/fwc.js): wires the real process to `main` — signals,
 * streams, exit code. Tests call `main` directly with their own Io.
 */
import { INTERNAL_ERROR_EXIT, main } from './main.js';
import type { Io } from './io.js';

// The bundled worker that matches half of a large file's statements (src/syntax/parallelMatch.ts).
(globalThis as { __fwcParseWorker?: URL }).__fwcParseWorker = new URL('./parseWorker.cjs', import.meta.url);
// The bundled worker that compiles the old version of `fwc diff` (src/pipeline/buildThread.ts).
(globalThis as { __fwcBuildWorker?: URL }).__fwcBuildWorker = new URL('./buildWorker.cjs', import.meta.url);
// The language server, a bundle of its own that only `fwc lsp` loads (src/cli/commands/lsp.ts).
(globalThis as { __fwcLspServer?: URL }).__fwcLspServer = new URL('./lsp.cjs', import.meta.url);

const controller = new AbortController();
let stopping = false;
function stop(signal: NodeJS.Signals): void {
  // The first Ctrl-C lets a command finish its current step and leave things consistent; a second one
  // stops at once.
  if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
  stopping = true;
  controller.abort(signal);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// EPIPE on stdout (`fwc … | head`) is not an error worth a report.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
});

const io: Io = {
  stdout: process.stdout,
  stderr: process.stderr,
  // Touching process.stdin opens it; only the commands that read it (apply's confirmation) do.
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`internal error: ${String(error)}\nThis is a bug in fwc; please report it.\n`);
    process.exitCode = INTERNAL_ERROR_EXIT;
  },
);
