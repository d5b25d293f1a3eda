// Golden diagnostics: every folder under test/fixtures/diagnostics holds one or more .fw files and
// `expected.txt`, the diagnostics fwc renders for them (plain style, as of 2026-11-24). A new case needs
// no code: add a folder, run `UPDATE_GOLDEN=1 npm test`, review the golden.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CODES } from '../src/diagnostics/codes.js';
import { renderDiagnostic, summarize } from '../src/diagnostics/render.js';
import { buildPolicies } from '../src/pipeline/build.js';
import { SourceFile } from '../src/source/sourceFile.js';
import { assertGolden } from './helpers/golden.js';

const ROOT = new URL('./fixtures/diagnostics/', import.meta.url).pathname;
const AS_OF = '2026-11-24';
const seen = new Set<string>();

function render(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.fw'))
    .sort()
    .map((f) => new SourceFile(f, readFileSync(join(dir, f), 'utf8')));
  const { diagnostics } = buildPolicies(files, { asOf: AS_OF });
  for (const d of diagnostics) seen.add(d.code.code);
  return diagnostics.map((d) => renderDiagnostic(d)).join('') + `${summarize(diagnostics)}\n`;
}

const Golden = suite('diagnostics goldens');
for (const name of readdirSync(ROOT).sort()) {
  Golden(name, () => assertGolden(render(join(ROOT, name)), join(ROOT, name, 'expected.txt')));
}
Golden('every compiler diagnostic code has a golden case', () => {
  const missing = Object.values(CODES)
    .filter((c) => !c.code.startsWith('FW6') && !c.code.startsWith('FW7') && !seen.has(c.code))
    .map((c) => `${c.code} ${c.name}`);
  assert.equal(missing, []);
});
Golden('the example policy has no diagnostics but the DNS warning LANGUAGE.md earns', () => {
  const out = render(join(ROOT, 'clean-shop'));
  assert.match(out, /FW406/);
  assert.not.match(out, /error\[/);
});
Golden.run();
