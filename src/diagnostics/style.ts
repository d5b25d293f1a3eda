/**
 * How rendered text is coloured. Renderers take a Style and never decide colour themselves, so their
 * output is plain (and golden-testable) unless the CLI, on a terminal, passes the ANSI style.
 */
export interface Style {
  readonly error: (s: string) => string;
  readonly warning: (s: string) => string;
  readonly note: (s: string) => string;
  readonly added: (s: string) => string;
  readonly removed: (s: string) => string;
  readonly changed: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const same = (s: string): string => s;
const ansi = (open: number, close: number) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);

export const PLAIN: Style = {
  error: same,
  warning: same,
  note: same,
  added: same,
  removed: same,
  changed: same,
  dim: same,
  bold: same,
};

export const ANSI: Style = {
  error: ansi(31, 39),
  warning: ansi(33, 39),
  note: ansi(36, 39),
  added: ansi(32, 39),
  removed: ansi(31, 39),
  changed: ansi(33, 39),
  dim: ansi(2, 22),
  bold: ansi(1, 22),
};
