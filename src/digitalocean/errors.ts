/**
 * Errors of the DigitalOcean API in a person's words: what happened, why, what to do, and the request id
 * DigitalOcean's support asks for. Never the token, never a header.
 */
import { OPERATIONS } from '../api/index.js';
import { TOKEN_VARIABLES } from './config.js';
import { printable, QUOTED } from '../diagnostics/index.js';

/** A plain-text error body shorter than this is what the server says; a longer one is a page, not a message. */
const PLAIN_MESSAGE_MAX = 500;

const WHAT: Record<string, string> = {
  firewalls_list: 'list firewalls',
  firewalls_create: 'create a firewall',
  firewalls_get: 'read a firewall',
  firewalls_update: 'update a firewall',
  firewalls_delete: 'delete a firewall',
  firewalls_assign_droplets: 'add droplets to a firewall',
  firewalls_delete_droplets: 'remove droplets from a firewall',
  firewalls_add_tags: 'add tags to a firewall',
  firewalls_delete_tags: 'remove tags from a firewall',
  firewalls_add_rules: 'add firewall rules',
  firewalls_delete_rules: 'remove firewall rules',
  tags_list: 'list tags',
  tags_create: 'create a tag',
  tags_get: 'read a tag',
  tags_delete: 'delete a tag',
  droplets_list: 'list droplets',
  loadBalancers_list: 'list load balancers',
  kubernetes_list_clusters: 'list Kubernetes clusters',
  databases_list_clusters: 'list databases',
  databases_list_firewall_rules: "read a database's trusted sources",
  databases_update_firewall_rules: "replace a database's trusted sources",
};

/** The scopes an operation needs (the description's, plus firewall:read for firewall changes). */
export function scopesOf(operation: string): string[] {
  const op = OPERATIONS.find((o) => o.operationId === operation);
  const scopes = new Set<string>(op?.scopes ?? ['firewall:read']);
  for (const s of [...scopes]) if (/^firewall:(create|update|delete)$/.test(s)) scopes.add('firewall:read');
  return [...scopes];
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly operation: string,
    /** 0 when no response came. */
    readonly status: number,
    /** DigitalOcean's short code (`not_found`, `unprocessable_entity`). */
    readonly id: string | null,
    /** DigitalOcean's own message. */
    readonly apiMessage: string | null,
    readonly requestId: string | null,
    /** True when a change may or may not have been made (the connection dropped). */
    readonly ambiguous: boolean,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static network(operation: string, method: string, url: URL, reason: string, ambiguous: boolean): ApiError {
    return new ApiError(
      `could not ${WHAT[operation] ?? `${method} ${url.pathname}`}: no answer from ${url.host} (${reason})${ambiguous ? '; the change may or may not have been made' : ''}`,
      operation,
      0,
      null,
      null,
      null,
      ambiguous,
    );
  }

  /** An answer fwc will not use: a redirect, not JSON, or not the shape the API description gives. */
  static badResponse(operation: string, method: string, url: URL, status: number, detail: string, headers: Headers, ambiguous: boolean): ApiError {
    const requestId = headers.get('x-request-id');
    const what = WHAT[operation] ?? `${method} ${url.pathname}`;
    return new ApiError(
      `could not ${what}: the answer from ${url.host} (${status}) is not what the DigitalOcean API sends: ${printable(detail, QUOTED.detail)}` +
        `${ambiguous ? '; the change may or may not have been made' : ''}${requestId ? ` [request id ${printable(requestId, QUOTED.requestId)}]` : ''}`,
      operation,
      status,
      null,
      null,
      requestId,
      ambiguous,
    );
  }

  static fromResponse(operation: string, method: string, url: URL, status: number, body: unknown, headers: Headers, ambiguous: boolean): ApiError {
    const b = (body ?? {}) as { id?: unknown; message?: unknown; request_id?: unknown; error?: unknown; messages?: unknown };
    const said0 = typeof b.message === 'string' ? b.message : typeof b.error === 'string' ? b.error : typeof body === 'string' && body.length < PLAIN_MESSAGE_MAX ? body : null;
    // What a server says is shown, but never raw: it may carry terminal escapes.
    const apiMessage = said0 === null ? null : printable(said0, QUOTED.message);
    const rawId = (typeof b.request_id === 'string' && b.request_id !== '' ? b.request_id : null) ?? headers.get('x-request-id');
    const requestId = rawId === null ? null : printable(rawId, QUOTED.requestId);
    const what = WHAT[operation] ?? `${method} ${url.pathname}`;
    const said = apiMessage ? `: ${apiMessage}` : '';
    let message: string;
    if (status === 401) {
      message = `DigitalOcean did not accept the token (401${said}); set ${TOKEN_VARIABLES.join(' or ')} to a valid token`;
    } else if (status === 403) {
      message = `the token may not ${what}: it needs the scope${scopesOf(operation).length > 1 ? 's' : ''} ${scopesOf(operation).join(', ')} (403${said})`;
    } else if (status === 404) {
      message = `could not ${what}: not found (404${said})`;
    } else if (status === 429) {
      const reset = headers.get('ratelimit-reset');
      message = `DigitalOcean's rate limit was reached and retries did not get through (429${said})${reset ? `; it resets at ${new Date(Number(reset) * 1000).toISOString()}` : ''}`;
    } else if (status >= 500) {
      message = `DigitalOcean had an internal error while trying to ${what} (${status}${said}); try again`;
    } else {
      message = `DigitalOcean refused to ${what} (${status}${said})`;
    }
    return new ApiError(`${message}${requestId ? ` [request id ${requestId}]` : ''}`, operation, status, typeof b.id === 'string' ? b.id : null, apiMessage, requestId, ambiguous);
  }
}
