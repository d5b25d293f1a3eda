/**
 * The worker of parallelMatch.ts: matches its share of a file's statements and hands the result back
 * through the port it was given, then signals on the shared flag.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import type { Span } from '../source/index.js';
import { matchStatements } from '../syntax/index.js';

const { text, spans, port, state } = workerData as { text: string; spans: Span[]; port: MessagePort; state: Int32Array };
Atomics.store(state, 0, 3);
Atomics.notify(state, 0);
try {
  port.postMessage(matchStatements(text, spans));
  Atomics.store(state, 0, 1);
} catch {
  Atomics.store(state, 0, 2);
}
Atomics.notify(state, 0);
