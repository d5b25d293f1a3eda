/**
 * One request, step by step, as DigitalOcean answers it: the body read (bounded), the route, the token
 * and its rate limit, an injected fault, the body parsed and checked, the handler, the answer — and one
 * request-log entry whatever happened. A step refuses by throwing an ApiFailure; a step that drops the
 * connection (an injected reset) ends the request without an answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorize } from './auth.js';
import type { EmulatorContext } from './context.js';
import { checkRequestBody } from './contract.js';
import { dispatch, dropletFirewalls } from './dispatch.js';
import { ApiFailure } from './errors.js';
import { logEntry, openExchange, type Exchange } from './exchange.js';
import type { FaultDecision } from './faults.js';
import { recordEntry } from './requestLog.js';
import { parseBody, readBody } from './requestBody.js';
import { sendError, sendFailure, sendResponse } from './response.js';
import { route, routeScopes, successStatus, type Route } from './routing.js';

/** What an injected 429 tells the client to wait, in seconds. */
const FAULT_RETRY_AFTER_S = 1;
const NO_FAULT: FaultDecision = { kind: null, delayMs: 0 };

export async function handleRequest(ctx: EmulatorContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const exchange = openExchange(ctx, req, res);
  try {
    await serve(ctx, exchange);
  } catch (error) {
    sendError(ctx, exchange, error);
  }
  try {
    recordEntry(ctx.log, ctx.logSink, logEntry(exchange));
  } catch (error) {
    // A request log that cannot be written (a full disk, a removed folder) must not take the API down:
    // say so once, and keep the log in memory only.
    ctx.logSink = undefined;
    process.emitWarning(`the emulator's request log cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); requests are no longer logged to it`);
  }
}

async function serve(ctx: EmulatorContext, exchange: Exchange): Promise<void> {
  // Read the body first, as a server does, bounded.
  const rawBody = await readBody(exchange.req, () => sendFailure(ctx, exchange, new ApiFailure(413, 'request_too_large', 'The request body is too large.')));
  if (rawBody === null) return;
  const routed = route(exchange.method, exchange.url.pathname);
  exchange.operationId = routed.kind === 'operation' ? routed.operationId : null;
  admit(ctx, exchange, routed);
  const fault = await injectFault(ctx, exchange);
  if (fault.kind === 'reset-before') {
    // Nothing is changed; the connection drops.
    exchange.req.socket.destroy();
    return;
  }
  const body = parseBody(rawBody);
  if (ctx.recordContract && routed.kind === 'operation' && routed.operation.request) checkRequestBody(ctx.violations, routed.operationId, body);
  const result = perform(ctx, exchange, routed, body);
  if (fault.kind === 'reset-after') {
    // The change is made; the answer is lost.
    exchange.req.socket.destroy();
    return;
  }
  sendResponse(ctx, exchange, successStatus(exchange.operationId), result);
}

/** The token must be known, hold the scopes the route needs, and be within its rate limit. */
function admit(ctx: EmulatorContext, exchange: Exchange, routed: Route): void {
  const token = authorize(ctx.tokens, exchange.req.headers.authorization, routeScopes(routed));
  const decision = ctx.limiter.take(token);
  Object.assign(exchange.headers, decision.headers);
  if (!decision.allowed) throw new ApiFailure(429, 'too_many_requests', 'API Rate limit exceeded.');
}

/**
 * The injected fault of this request, after its latency: a reset is left to the caller (before or after
 * the change); a 5xx or a 429 is thrown as the answer.
 */
async function injectFault(ctx: EmulatorContext, exchange: Exchange): Promise<FaultDecision> {
  const fault = ctx.faults?.decide(exchange.method, exchange.url.pathname) ?? NO_FAULT;
  if (fault.delayMs > 0) await new Promise((r) => setTimeout(r, fault.delayMs));
  exchange.fault = fault.kind;
  if (fault.kind === '500' || fault.kind === '502' || fault.kind === '503') {
    throw new ApiFailure(Number(fault.kind), 'server_error', 'Server was unable to give you a response.');
  }
  if (fault.kind === '429') {
    exchange.headers['retry-after'] = String(FAULT_RETRY_AFTER_S);
    throw new ApiFailure(429, 'too_many_requests', 'API Rate limit exceeded.');
  }
  return fault;
}

/** Runs the route's handler; a change is then persisted and reported (a refused request changes nothing). */
function perform(ctx: EmulatorContext, exchange: Exchange, routed: Route, body: Record<string, unknown>): unknown {
  if (routed.kind === 'dropletFirewalls') return dropletFirewalls(ctx, routed.dropletId, exchange.url);
  const result = dispatch(ctx, routed.operationId, routed.params, exchange.url, body);
  if (exchange.method !== 'GET') ctx.mutated(exchange.method, exchange.url.pathname);
  return result;
}
