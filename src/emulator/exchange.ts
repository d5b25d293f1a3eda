/**
 * One request and its answer as the steps of handleRequest see them: what came in, the headers going
 * out, and what the request log records (operation, fault, status) as the steps learn it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { OperationId } from '../api/index.js';
import type { EmulatorContext } from './context.js';
import type { RequestLogEntry } from './requestLog.js';

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** When the request came in (ms since the epoch). */
  readonly started: number;
  readonly requestId: string;
  readonly url: URL;
  readonly method: string;
  /** Headers of the answer, whatever it turns out to be (`x-request-id`, the rate-limit headers, …). */
  readonly headers: Record<string, string>;
  /** Known once the request is routed; null for the route outside the description, or before. */
  operationId: OperationId | null;
  /** The fault injected into this request, if any. */
  fault: string | null;
  /** The status answered; null when the connection was dropped instead. */
  status: number | null;
}

export function openExchange(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Exchange {
  const requestId = ctx.newId();
  return {
    req,
    res,
    started: Date.now(),
    requestId,
    url: new URL(req.url ?? '/', ctx.base),
    method: (req.method ?? 'GET').toUpperCase(),
    headers: { 'x-request-id': requestId },
    operationId: null,
    fault: null,
    status: null,
  };
}

/** The request log's entry for a finished exchange. */
export function logEntry(exchange: Exchange): RequestLogEntry {
  return {
    time: new Date(exchange.started).toISOString(),
    method: exchange.method,
    path: exchange.url.pathname,
    query: exchange.url.search,
    status: exchange.status,
    operationId: exchange.operationId,
    requestId: exchange.requestId,
    durationMs: Date.now() - exchange.started,
    fault: exchange.fault,
  };
}
