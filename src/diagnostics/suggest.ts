/**
 * "Did you mean …": the declared names nearest to a misspelt one (graphql-js's suggestionList: an
 * optimal-string-alignment distance, a threshold of ⌊0.4·length⌋ + 1, a change of case counting as one
 * edit), at most four (Elm).
 */
export const MAX_SUGGESTIONS = 4;

function distance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la === lb) return 1;
  if (Math.abs(la.length - lb.length) > limit) return limit + 1;
  let prev2: number[] = [];
  let prev = Array.from({ length: lb.length + 1 }, (_, j) => j);
  for (let i = 1; i <= la.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= lb.length; j++) {
      const cost = la[i - 1] === lb[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && la[i - 1] === lb[j - 2] && la[i - 2] === lb[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      row.push(d);
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
    prev2 = prev;
    prev = row;
  }
  return prev[lb.length]!;
}

/** The candidates close enough to `input`, nearest first, at most MAX_SUGGESTIONS. */
export function suggest(input: string, candidates: Iterable<string>): string[] {
  const threshold = Math.floor(input.length * 0.4) + 1;
  const scored: { name: string; d: number }[] = [];
  for (const name of candidates) {
    const d = distance(input, name, threshold);
    if (d <= threshold) scored.push({ name, d });
  }
  scored.sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, MAX_SUGGESTIONS).map((s) => s.name);
}

/** `did you mean \`db\`?`, `did you mean \`db\` or \`dbs\`?`, or undefined when nothing is close. */
export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const found = suggest(input, candidates).map((s) => `\`${s}\``);
  if (found.length === 0) return undefined;
  if (found.length === 1) return `did you mean ${found[0]}?`;
  return `did you mean ${found.slice(0, -1).join(', ')} or ${found[found.length - 1]}?`;
}
