/** Lists of names in a line of text: what the terminal plan and the warnings both write. */

/** A line's worth of endpoint names: every one when they fit in `width` characters. */
const NAMES_WIDTH = 72;

/**
 * Every name when the list fits a line (or is at most `max` long), else as many as fit and how many more
 * (`--format json` and Markdown have them all).
 */
export function names(list: readonly string[], max = 4): string {
  const all = list.join(', ');
  if (list.length <= max || all.length <= NAMES_WIDTH) return all;
  let shown = Math.max(1, max - 1);
  while (shown < list.length - 1 && `${list.slice(0, shown + 1).join(', ')} and ${list.length - shown - 1} more`.length <= NAMES_WIDTH) shown++;
  return `${list.slice(0, shown).join(', ')} and ${list.length - shown} more`;
}
