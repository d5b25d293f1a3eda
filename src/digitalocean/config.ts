/**
 * Where fwc's client connects and with what token: the API base from `--api-url` or
 * `DIGITALOCEAN_API_URL` (default the real API), the token from `DIGITALOCEAN_TOKEN` or
 * `DIGITALOCEAN_ACCESS_TOKEN` (the Terraform and doctl conventions). Plain http is refused unless the
 * host is loopback, so a token never crosses a network in the clear.
 */

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

/** The API base URL, checked: https, or http to a loopback host (the emulator). */
export function apiBaseUrl(flag: string | undefined, env: Readonly<Record<string, string | undefined>>): URL {
  const given = flag ?? env.DIGITALOCEAN_API_URL ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new ConfigError(`the API URL '${given}' is not a URL`, 'give one like https://api.digitalocean.com or http://127.0.0.1:8080');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`the API URL '${given}' is not http or https`, 'give one like https://api.digitalocean.com');
  }
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    throw new ConfigError(
      `refusing to send a token over plain http to ${url.hostname}`,
      'use https, or http only to a loopback address (127.0.0.1, ::1, localhost) such as `fwc emulator`',
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

/** The token from the environment; a clear error naming both variables when there is none. */
export function apiToken(env: Readonly<Record<string, string | undefined>>): string {
  for (const name of TOKEN_VARIABLES) {
    const value = env[name]?.trim();
    if (value) return value;
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
}

/**
 * Retry tuning from the environment, under the names and units (seconds) of DigitalOcean's Terraform
 * provider: DIGITALOCEAN_HTTP_RETRY_MAX, DIGITALOCEAN_HTTP_RETRY_WAIT_MIN, DIGITALOCEAN_HTTP_RETRY_WAIT_MAX.
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
  if (max !== undefined) out.maxRetries = max;
  if (min !== undefined) out.retryWaitMinMs = min * 1000;
  if (waitMax !== undefined) out.retryWaitMaxMs = waitMax * 1000;
  return out;
}
