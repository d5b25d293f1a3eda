/**
 * The request log: one entry per request, kept in memory (Emulator.requests()) and handed to the
 * `requestLog` option — a function, or a file that gets one JSON line per request. Tokens are never logged.
 */
import { appendFileSync } from 'node:fs';

export interface RequestLogEntry {
  readonly time: string;
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly status: number | null;
  readonly operationId: string | null;
  readonly requestId: string;
  readonly durationMs: number;
  readonly fault: string | null;
}

/** Where entries go besides memory: a function, or the path of a file to append JSON lines to. */
export type RequestLogSink = string | ((entry: RequestLogEntry) => void);

export function recordEntry(log: RequestLogEntry[], sink: RequestLogSink | undefined, entry: RequestLogEntry): void {
  log.push(entry);
  if (typeof sink === 'function') sink(entry);
  else if (typeof sink === 'string') appendFileSync(sink, JSON.stringify(entry) + '\n');
}
