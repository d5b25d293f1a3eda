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

/** The text with every control character escaped; cut to `max` characters (with `…`) when given. */
export function printable(text: string, max?: number): string {
  const safe = text.replace(UNSAFE, escape);
  return max !== undefined && safe.length > max ? `${safe.slice(0, max)}…` : safe;
}
