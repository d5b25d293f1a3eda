/**
 * Text from outside (names read from the API, answers of a server, names quoted in policies) made safe
 * to print: control characters — ANSI and OSC escapes, carriage returns, backspaces — and the Unicode
 * controls that reorder or hide text are shown as `\x1b`, `\u202e`, never sent to the terminal.
 */

// C0 (but tab is kept out too: it moves the cursor), DEL, C1, line/paragraph separators, bidi controls.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escape(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Whether a text holds a character `printable` would escape. */
export function hasControl(text: string): boolean {
  UNSAFE.lastIndex = 0;
  return UNSAFE.test(text);
}

/**
 * The longest text from outside that one message quotes, by what it is: long enough to recognise, short
 * enough that a hostile answer cannot flood a terminal or a CI log.
 */
export const QUOTED = { requestId: 80, host: 100, url: 200, message: 300, detail: 400, start: 40 } as const;

/** The text with every control character escaped; cut to `max` characters (with `…`) when given. */
export function printable(text: string, max?: number): string {
  const safe = text.replace(UNSAFE, escape);
  return max !== undefined && safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

/**
 * For Markdown: `printable` (so no text can start a new line), and what could open HTML — a comment that
 * hides the rest of a pull-request comment, a tag — or a code fence: `<` and runs of three backticks.
 */
export function markdownSafe(text: string): string {
  return printable(text)
    .replace(/</g, escape)
    .replace(/`{3,}/g, (run) => run.replace(/`/g, escape));
}

/** A copy of a JSON-like value with every string passed through `f`. */
export function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, f);
    return out as T;
  }
  return value;
}
