/**
 * Request bodies: read first, as a server does, and bounded; then parsed and checked to be a JSON
 * object that nests no deeper than the handlers need.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest } from './errors.js';

/** The largest request body read (1 MiB): a bound, so that no client can make the emulator hold an unbounded body. */
export const MAX_BODY_BYTES = 1 << 20;
/** No request of the API nests deeper than a few levels; handlers walk bodies recursively. */
export const MAX_DEPTH = 32;

/**
 * The body as text, or null when it grows past MAX_BODY_BYTES. `tooLarge` is called at once, while the
 * request is still open, so that the answer is written before the rest of the request is dropped.
 */
export async function readBody(req: IncomingMessage, tooLarge: () => void): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      tooLarge();
      return null;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** How deep a parsed JSON value nests (without recursion, so no body can overflow the stack). */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** The body as a JSON object (`{}` when there is none); a 400 for anything else. */
export function parseBody(rawBody: string): Record<string, unknown> {
  if (rawBody.trim() === '') return {};
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  if (nestingDepth(body) > MAX_DEPTH) throw badRequest(`The request body is nested deeper than ${MAX_DEPTH} levels.`);
  return body;
}
