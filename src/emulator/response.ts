/**
 * Writing the answer: JSON with its length, or no body; DigitalOcean's error bodies for a failure; and,
 * when the contract is recorded, the body checked against the operation's response schema first.
 */
import { ApiFailure } from './errors.js';
import { checkResponseBody } from './contract.js';
import type { EmulatorContext } from './context.js';
import type { Exchange } from './exchange.js';

export function sendResponse(ctx: EmulatorContext, exchange: Exchange, code: number, body: unknown): void {
  exchange.status = code;
  if (ctx.recordContract && exchange.operationId) checkResponseBody(ctx.violations, exchange.operationId, code, body);
  const { res, headers } = exchange;
  if (body === undefined) {
    res.writeHead(code, headers);
    res.end();
  } else {
    const text = JSON.stringify(body);
    res.writeHead(code, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  }
}

/** `{id, message, request_id}`, or the `error_with_root_causes` shape of the tag-create 400. */
export function sendFailure(ctx: EmulatorContext, exchange: Exchange, failure: ApiFailure): void {
  if (failure.rootCauses) sendResponse(ctx, exchange, failure.status, { error: failure.message, messages: [failure.message], root_causes: [...failure.rootCauses] });
  else sendResponse(ctx, exchange, failure.status, { id: failure.id, message: failure.message, request_id: exchange.requestId });
}

/** Anything a step threw: an ApiFailure is answered as it says; anything else is an emulator bug, a 500. */
export function sendError(ctx: EmulatorContext, exchange: Exchange, error: unknown): void {
  if (error instanceof ApiFailure) return sendFailure(ctx, exchange, error);
  ctx.internalErrors.push(`${exchange.method} ${exchange.url.pathname}: ${(error as Error).stack ?? String(error)}`);
  sendFailure(ctx, exchange, new ApiFailure(500, 'server_error', 'Server was unable to give you a response.'));
}
