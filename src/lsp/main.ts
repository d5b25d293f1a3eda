/**
 * `fwc lsp`: the language server over stdio. Loaded only by that command (a bundle of its own,
 * dist/lsp.cjs), so the other commands never pay for the LSP libraries at startup.
 */
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startServer } from './server.js';
// Also the diagnostics thread's entry: loading this bundle in a worker serves builds (buildWorker.ts).
import './buildWorker.js';

/** Runs the server on two streams; `bundle` is where this code is as a script (the diagnostics thread runs it). */
export function runLanguageServer(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, bundle?: URL): Promise<number> {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(input), new StreamMessageWriter(output));
  // Whatever escapes a handler's guard (an error in a timer or a stream) is logged; the server stays up.
  const report = (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    try {
      connection.console.error(`fwc lsp: unexpected error: ${e.message}\n${e.stack ?? ''}`);
    } catch {
      process.stderr.write(`fwc lsp: unexpected error: ${e.stack ?? e.message}\n`);
    }
  };
  process.on('uncaughtException', report);
  process.on('unhandledRejection', report);
  startServer(connection, bundle ? { buildWorker: bundle } : {});
  // The connection exits the process on the `exit` notification (0 after `shutdown`, else 1).
  return new Promise<number>(() => undefined);
}
