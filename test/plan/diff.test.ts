// `fwc diff` goldens: each folder under test/fixtures/diff holds old.fw and new.fw, and the diff in all
// three formats (expected.txt, expected.md, expected.json). Reviewed by hand when updated.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { buildPolicies } from '../../src/pipeline/build.js';
import { computeDiff } from '../../src/plan/diff.js';
import { planDocument, type PlanDocument } from '../../src/plan/document.js';
import { renderMarkdown } from '../../src/plan/renderMarkdown.js';
import { renderText } from '../../src/plan/renderText.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { assertGolden } from '../helpers/golden.js';

const ROOT = new URL('../fixtures/diff/', import.meta.url).pathname;

function diffOf(dir: string): PlanDocument {
  const build = (name: string) => {
    const built = buildPolicies([new SourceFile(name, readFileSync(join(dir, name), 'utf8'))], { asOf: '2026-11-24' });
    assert.equal(built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    return built.policies;
  };
  const result = computeDiff(build('old.fw'), build('new.fw'));
  assert.equal(result.diagnostics, []);
  return planDocument(result.value);
}

const Golden = suite('diff goldens');
for (const name of readdirSync(ROOT).sort()) {
  Golden(name, () => {
    const doc = diffOf(join(ROOT, name));
    assertGolden(renderText(doc), join(ROOT, name, 'expected.txt'));
    assertGolden(renderMarkdown(doc), join(ROOT, name, 'expected.md'));
    assertGolden(JSON.stringify(doc, null, 2) + '\n', join(ROOT, name, 'expected.json'));
  });
}
Golden.run();

// ---

const Facts = suite('diff facts');
Facts('the same policy written differently has no changes', () => {
  const doc = diffOf(join(ROOT, 'no-changes'));
  assert.is(doc.summary.changes, false);
  assert.is(renderText(doc), 'No changes. Both versions compile to the same firewalls.\n');
});
Facts('a removed tag destroys its firewall and opens its droplets', () => {
  const doc = diffOf(join(ROOT, 'tag-removed'));
  assert.equal(doc.firewalls.map((f) => [f.action, f.name]), [['update', 'fwc-shop-db'], ['delete', 'fwc-shop-legacy']]);
  assert.ok(doc.reachability.allowed.some((f) => f.to.includes('legacy') && f.services === 'all traffic'));
});
Facts('growing past 50 rules adds a shard', () => {
  const doc = diffOf(join(ROOT, 'sharding'));
  assert.equal(doc.firewalls.map((f) => [f.action, f.name]), [['update', 'fwc-shop-db'], ['create', 'fwc-shop-db-2']]);
});
Facts('markdown stays under the limit and says what it left out', () => {
  const doc = diffOf(join(ROOT, 'rule-added'));
  const big: PlanDocument = {
    ...doc,
    reachability: {
      allowed: Array.from({ length: 3000 }, (_, i) => ({ from: [`tag-${i}`], to: ['db'], services: 'tcp 5432', fromTags: [`tag-${i}`], toTags: ['db'] })),
      blocked: [],
    },
    summary: { ...doc.summary, flowsAllowed: 3000 },
  };
  const md = renderMarkdown(big, 20_000);
  assert.ok(md.length <= 20_000, `${md.length} characters`);
  assert.match(md, /more/);
});
Facts.run();
