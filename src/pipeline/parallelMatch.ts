/**
 * Matching a large file's statements on two threads. ohm takes about 100 µs per statement, so a
 * 10,000-statement file spends over a second in the grammar; the second core halves that. The main
 * thread matches the first half while a worker matches the second, and waits for it synchronously
 * (Atomics.wait and receiveMessageOnPort), so parse() stays a plain function.
 */
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { Span } from '../source/index.js';
import { matchStatements, type StatementMatch } from '../syntax/index.js';
import { workerFile } from './workers.js';

/** Below this many statements a worker costs more (≈60 ms to start) than it saves. */
export const PARALLEL_THRESHOLD = 2000;

/**
 * The statements the recogniser left, matched by the grammar: on two threads where there are many and
 * the bundled worker is at hand (workers.ts; the CLI tests cover that path), else on this one.
 */
export function matchInParallel(text: string, spans: readonly Span[]): StatementMatch[] {
  return matchOnTwoThreads(text, spans) ?? matchStatements(text, spans);
}

function matchOnTwoThreads(text: string, spans: readonly Span[]): StatementMatch[] | null {
  const url = workerFile('parse');
  if (!url || spans.length < PARALLEL_THRESHOLD || process.env.FWC_PARSE_THREADS === '1') return null;
  const half = Math.floor(spans.length / 2);
  // state[0]: 0 not started, 3 matching, 1 done, 2 failed.
  const state = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  let worker: Worker;
  try {
    worker = new Worker(url, { workerData: { text, spans: spans.slice(half), port: port2, state }, transferList: [port2] });
  } catch {
    return null;
  }
  worker.on('error', () => undefined);
  worker.unref();
  const first = matchStatements(text, spans.slice(0, half));
  // A worker that could not start never says so while this thread waits: give it a few seconds to
  // start, then let it finish; if it never started, match the second half here.
  for (let waited = 0; Atomics.load(state, 0) === 0 && waited < 5_000; waited += 20) Atomics.wait(state, 0, 0, 20);
  while (Atomics.load(state, 0) === 3) Atomics.wait(state, 0, 3, 1_000);
  const message = Atomics.load(state, 0) === 1 ? receiveMessageOnPort(port1) : undefined;
  void worker.terminate();
  port1.close();
  const second = (message?.message as StatementMatch[] | undefined) ?? matchStatements(text, spans.slice(half));
  return [...first, ...second];
}
