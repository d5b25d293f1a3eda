/**
 * What the grammar accepts after a piece of a statement: for completion in the language server
 * (src/lsp/completion.ts). The prefix is matched with a character no rule accepts appended; ohm's
 * rightmost failures there are exactly what could come next — keywords (`may`, `on`) and the
 * descriptions of lexical rules (`a name`, `a port or port range`). Asking the grammar keeps completion
 * in step with the language as it grows.
 */
import { fwcGrammar } from './grammar.js';

/** Not accepted by any rule, and not ohm's whitespace (which covers the control characters). */
const SENTINEL = '\uffff';

/**
 * What may follow `prefix` (the start of one statement): ohm's literals and rule descriptions, [] when
 * the prefix is a whole statement that takes nothing more, or null when the prefix is already wrong.
 */
export function expectedAfter(prefix: string): string[] | null {
  // ohm's MatchResult has these on a failed match (its .d.ts lists only some of them).
  const match = fwcGrammar().match(prefix + SENTINEL, 'Statement') as unknown as {
    succeeded(): boolean;
    getRightmostFailurePosition(): number;
    getRightmostFailures(): { getText(): string }[];
  };
  if (match.succeeded()) return [];
  if (match.getRightmostFailurePosition() < prefix.length) return null;
  return [...new Set(match.getRightmostFailures().map((f) => f.getText()))];
}
