/**
 * Where fwc's client connects and with what token: the API base from `--api-url` or
 * `DIGITALOCEAN_API_URL` (default the real API), the token from `DIGITALOCEAN_TOKEN` or
 * `DIGITALOCEAN_ACCESS_TOKEN` (the Terraform and doctl conventions). Plain http is refused unless the
 * host is loopback, so a token never crosses a network in the clear.
 */

import { printable, QUOTED } from '../diagnostics/index.js';

export const DEFAULT_API_URL = 'https://api.digitalocean.com';
export const TOKEN_VARIABLES = ['DIGITALOCEAN_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN'] as const;

export class ConfigError extends Error {
  constructor(
    message: string,
    readonly help: string,
  ) {
    super(message);
  }
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** A URL as it may be shown: any user name or password in it replaced, control characters escaped. */
export function shownUrl(text: string): string {
  return printable(text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@'), QUOTED.url);
}

/**
 * The API base URL, checked: https, or http to a loopback host (the emulator); no credentials in it
 * (fwc sends the token, and never echoes what it refuses).
 */
export function apiBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): URL {
  const raw = flag ?? env.DIGITALOCEAN_API_URL ?? DEFAULT_API_URL;
  const given = shownUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`the API URL '${given}' is not a URL`, 'give one like https://api.digitalocean.com or http://127.0.0.1:8080');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`the API URL '${given}' is not http or https`, 'give one like https://api.digitalocean.com');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigError(`the API URL '${given}' holds a user name or password`, 'give the URL without them; fwc authenticates with the token alone');
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `refusing to send a token over plain http to ${printable(url.hostname, QUOTED.host)}`,
      'use https, or http only to a loopback address (127.0.0.1, ::1, localhost) such as `fwc emulator`',
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/**
 * The token from the environment; a clear error naming both variables when there is none. A token is
 * visible ASCII only (DigitalOcean's are `dop_v1_` and hex): anything else — a newline pasted with it,
 * a space, a control character — is refused here, naming the variable and never showing the value,
 * before any library can quote it in an error.
 */
export function apiToken(env: Readonly<Record<string, string | undefined>>): string {
  for (const name of TOKEN_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    if (!/^[\x21-\x7e]+$/.test(value)) {
      throw new ConfigError(
        `${name} holds a character that cannot be part of a token (a line break, space, control or non-ASCII character)`,
        `set ${name} to the token alone, e.g. \`export ${name}="$(tr -d '[:space:]' < token-file)"\``,
      );
    }
    return value;
  }
  throw new ConfigError(
    'no DigitalOcean API token',
    `set ${TOKEN_VARIABLES.join(' or ')} to a token (for \`fwc emulator\`: fwc-emulator-token)`,
  );
}

export interface RetrySettings {
  maxRetries?: number;
  retryWaitMinMs?: number;
  retryWaitMaxMs?: number;
  timeoutMs?: number;
}

/**
 * Retry tuning from the environment, under the names and units (seconds) of DigitalOcean's Terraform
 * provider: DIGITALOCEAN_HTTP_RETRY_MAX, DIGITALOCEAN_HTTP_RETRY_WAIT_MIN, DIGITALOCEAN_HTTP_RETRY_WAIT_MAX;
 * and fwc's FWC_HTTP_TIMEOUT, the seconds one request may take.
 */
export function retrySettings(env: Readonly<Record<string, string | undefined>>): RetrySettings {
  const number = (name: string, integer: boolean): number | undefined => {
    const text = env[name]?.trim();
    if (!text) return undefined;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
      throw new ConfigError(`${name}='${text}' is not a ${integer ? 'whole number' : 'number of seconds'}`, `set ${name} to ${integer ? 'a count such as 4' : 'seconds such as 1 or 0.5'}, or unset it`);
    }
    return value;
  };
  const out: RetrySettings = {};
  const max = number('DIGITALOCEAN_HTTP_RETRY_MAX', true);
  const min = number('DIGITALOCEAN_HTTP_RETRY_WAIT_MIN', false);
  const waitMax = number('DIGITALOCEAN_HTTP_RETRY_WAIT_MAX', false);
  // fwc's own: the time limit of one request, answer and body (default 60 s).
  const timeout = number('FWC_HTTP_TIMEOUT', false);
  if (timeout !== undefined) out.timeoutMs = Math.max(1, timeout * 1000);
  if (max !== undefined) out.maxRetries = max;
  if (min !== undefined) out.retryWaitMinMs = min * 1000;
  if (waitMax !== undefined) out.retryWaitMaxMs = waitMax * 1000;
  return out;
}
