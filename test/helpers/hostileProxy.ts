/**
 * A misbehaving DigitalOcean API for tests: a loopback HTTP proxy in front of the emulator that passes
 * requests through, except where a test's rule answers instead — HTML, cut-off JSON, `null`, wrong
 * shapes, redirects, endless pages, an answer that never comes — or rewrites the emulator's answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
  readonly authorization: string | undefined;
}

export type Action =
  /** Answer with exactly this (the body as raw text). */
  | { readonly reply: number; readonly body?: string; readonly headers?: Record<string, string> }
  /** Pass to the emulator, then change its JSON answer. */
  | { readonly rewrite: (body: any) => unknown }
  /** Never answer (the connection stays open until the proxy stops). */
  | { readonly hang: true };

export type Rule = (request: Seen, n: number) => Action | undefined;

export interface HostileProxy {
  readonly url: string;
  readonly seen: Seen[];
  /** Requests that reached the emulator unchanged or rewritten. */
  forwarded(): number;
  setRule(rule: Rule | null): void;
  stop(): Promise<void>;
}

export const json = (body: unknown, status = 200): Action => ({ reply: status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** A rule for one method and path (a string for an exact path, else a pattern). */
export function on(method: string, path: string | RegExp, action: Action | ((request: Seen, n: number) => Action | undefined)): Rule {
  let n = 0;
  return (request) => {
    if (request.method !== method || !(typeof path === 'string' ? request.path === path : path.test(request.path))) return undefined;
    n++;
    return typeof action === 'function' ? action(request, n) : action;
  };
}

export async function startHostileProxy(upstream: string, rule: Rule | null = null): Promise<HostileProxy> {
  let current = rule;
  let n = 0;
  let forwarded = 0;
  const seen: Seen[] = [];
  const sockets = new Set<Socket>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://proxy');
    const request: Seen = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: Buffer.concat(chunks).toString('utf8'), authorization: req.headers.authorization };
    seen.push(request);
    const action = current?.(request, ++n);
    if (action && 'hang' in action) return;
    if (action && 'reply' in action) {
      res.writeHead(action.reply, action.headers ?? {});
      res.end(action.body ?? '');
      return;
    }
    forwarded++;
    const answer = await fetch(upstream + (req.url ?? '/'), {
      method: request.method,
      headers: {
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        ...(req.headers['content-type'] ? { 'content-type': req.headers['content-type'] } : {}),
      },
      ...(request.body === '' ? {} : { body: request.body }),
    });
    let text = await answer.text();
    if (action && 'rewrite' in action && text !== '') text = JSON.stringify(action.rewrite(JSON.parse(text)));
    const headers: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection' && k !== 'keep-alive') headers[k] = v;
    });
    res.writeHead(answer.status, headers);
    res.end(text);
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(599);
      res.end(String(error));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    forwarded: () => forwarded,
    setRule: (r) => {
      current = r;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
