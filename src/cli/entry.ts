/**
 * The program entry of the bundled CLI (bin/fwc.js): wires the real process to `main` — signals,
 * streams, exit code. Tests call `main` directly with their own Io.
 */
import { useWorkers } from '../pipeline/index.js';
import { bundled } from './bundled.js';
import { INTERNAL_ERROR_EXIT, main } from './main.js';
import type { Io } from './io.js';

// The bundles beside this one: the pipeline's workers (src/pipeline/workers.ts), and the language server,
// which only `fwc lsp` loads (src/cli/commands/lsp.ts).
useWorkers({ parse: new URL('./parseWorker.cjs', import.meta.url), build: new URL('./buildWorker.cjs', import.meta.url) });
bundled.lspServer = new URL('./lsp.cjs', import.meta.url);

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
