// The recogniser (src/syntax/recognise.ts) against the grammar (ohm, src/syntax/parse.ts), statement by
// statement: whenever the recogniser returns a tree, ohm matches the statement too and builds exactly
// that tree (spans included); when ohm does not match, the recogniser returns nothing, so every syntax
// error still comes from ohm. Checked on every .fw file of the repository, on generated policies, and on
// hostile mutations of them (tokens dropped, doubled, swapped; keywords, quotes, comments, odd characters
// and address-like words put in). FWC_RECOGNISE_RUNS sets the number of mutations (CI: 20,000).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { matchStatements } from '../../src/syntax/parse.js';
import { recogniseStatement } from '../../src/syntax/recognise.js';
import { splitStatements } from '../../src/syntax/splitStatements.js';
import { generatePolicy, rng } from '../helpers/generatePolicy.js';
import { ROOT } from '../helpers/cli.js';

const RUNS = Number(process.env.FWC_RECOGNISE_RUNS ?? 20000);

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return policyFiles(path);
    return name.endsWith('.fw') ? [path] : [];
  });
}

/** Compares the two on one statement; returns whether the recogniser took it. */
function same(text: string, where: string): boolean {
  const [ohm] = matchStatements(text, [{ start: 0, end: text.length }]);
  const fast = recogniseStatement(text, 0);
  if (fast === null) return false;
  assert.ok(ohm!.ok, `${where}: the recogniser took a statement the grammar refuses: ${JSON.stringify(text)}`);
  if (ohm!.ok) assert.equal(fast, ohm!.statement, `${where}: ${JSON.stringify(text)}`);
  return true;
}

const statementsOf = (text: string) => splitStatements(text).chunks.map((c) => text.slice(c.span.start, c.span.end));

const Recognise = suite('the recogniser builds what the grammar builds');
Recognise('every statement of every .fw file in the repository', () => {
  let taken = 0;
  let total = 0;
  for (const file of policyFiles(ROOT)) {
    for (const s of statementsOf(readFileSync(file, 'utf8'))) {
      total++;
      if (same(s, file)) taken++;
    }
  }
  assert.ok(total > 200, `only ${total} statements found`);
  assert.ok(taken / total > 0.8, `the recogniser took only ${taken} of ${total} statements`);
});
Recognise('generated policies of every shape', () => {
  let taken = 0;
  let total = 0;
  for (let seed = 1; seed <= 60; seed++) {
    const text = generatePolicy(seed, { statements: 40, tags: 8, guardrails: 0.2, restricted: 0.3, pools: seed % 2 ? 'small' : 'wide', resources: true, expiry: true, reach: seed % 3 !== 0 });
    for (const s of statementsOf(text)) {
      total++;
      if (same(s, `seed ${seed}`)) taken++;
    }
  }
  assert.ok(taken / total > 0.95, `the recogniser took only ${taken} of ${total} generated statements: the fast path is not used`);
});
Recognise(`${RUNS} hostile mutations`, () => {
  const r = rng(20261203);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const corpus = [
    ...policyFiles(ROOT).flatMap((f) => statementsOf(readFileSync(f, 'utf8'))),
    ...statementsOf(generatePolicy(99, { statements: 200, tags: 10, guardrails: 0.2, restricted: 0.3, pools: 'wide', resources: true, expiry: true })),
  ];
  const inserts = [
    'policy', 'tags', 'group', 'addresses', 'service', 'egress', 'from', 'is', 'restricted', 'open', 'expect', 'can', 'cannot', 'may', 'must', 'not',
    'reach', 'on', 'until', 'anyone', 'load-balancer', 'cluster', 'droplet', 'droplets', 'tag', 'vpc', 'database', 'tcp', 'udp', 'icmp', 'all', ',', '=', '"x"', '"', '""', '# c\n',
    '\n', '\t', '80', '80-90', '80-', '-80', '0x50', '10.0.0.0/8', '10.0.0', '1.2.3.4.5', '::', '::1', 'fe80::1', '2001:db8::/32', '1:2:3:4:5:6:7:8',
    '1:2:3:4:5:6:7', '::ffff:1.2.3.4', 'a:b', 'env:prod', 'k8s:abc', '1::2::3', 'dead:beef', '2026-12-31', '2026-1-1', 'é', '(', '.', '/', '_x', '-x', ':x',
  ];
  let taken = 0;
  for (let run = 0; run < RUNS; run++) {
    const words = pick(corpus).split(/(\s+|,|=)/).filter((w) => w !== '');
    for (let m = 1 + int(3); m > 0; m--) {
      const i = int(words.length + 1);
      switch (int(5)) {
        case 0:
          words.splice(i, 1);
          break;
        case 1:
          words.splice(i, 0, words[int(words.length)] ?? '');
          break;
        case 2: {
          const j = int(words.length);
          [words[i], words[j]] = [words[j]!, words[i]!];
          break;
        }
        case 3:
          words.splice(i, 0, ' ', pick(inserts), ' ');
          break;
        default:
          words.splice(i, 1, pick(inserts));
      }
    }
    const text = words.filter((w) => w !== undefined).join('').trim();
    if (text === '' || text.startsWith('#')) continue;
    if (same(text, `mutation ${run}`)) taken++;
  }
  assert.ok(taken > RUNS / 10, `only ${taken} of ${RUNS} mutations recognised: the comparison tests little`);
});
Recognise.run();
