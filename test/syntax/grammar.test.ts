// The grammar tests itself: every `//+` example above a rule must match that rule, every `//-` must not.
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { extractExamples } from 'ohm-js/extras';
import grammar from '../../grammar/fwc.ohm-bundle.js';

const source = readFileSync(new URL('../../grammar/fwc.ohm', import.meta.url), 'utf8');
const examples = extractExamples(source) as { grammar: string; rule: string; example: string; shouldMatch: boolean }[];

const Examples = suite('grammar examples');
Examples('there are examples for the main rules', () => {
  const rules = new Set(examples.map((e) => e.rule));
  for (const rule of ['Statement', 'RuleStmt', 'Endpoint', 'ServiceItem', 'address', 'portSpec', 'date']) {
    assert.ok(rules.has(rule), `no example for ${rule}`);
  }
  assert.ok(examples.length > 50, `only ${examples.length} examples`);
});
for (const { rule, example, shouldMatch } of examples) {
  Examples(`${rule} ${shouldMatch ? 'matches' : 'rejects'} ${JSON.stringify(example)}`, () => {
    const matched = grammar.match(example, rule).succeeded();
    assert.is(matched, shouldMatch);
  });
}
Examples.run();
