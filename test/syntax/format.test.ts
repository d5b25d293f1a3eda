// fwc fmt: the canonical layout, comments kept, idempotent, and never a change of meaning (checked on
// generated policies by comparing the compiled output before and after formatting).
import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { format } from '../../src/syntax/format.js';
import { parse } from '../../src/syntax/parse.js';
import { SourceFile } from '../../src/source/sourceFile.js';
import { buildPolicies } from '../../src/pipeline/build.js';
import { compiledDocument, serialize } from '../../src/cli/compiledOutput.js';
import { generatePolicy, rng } from '../helpers/generatePolicy.js';

function fmt(text: string): string {
  const r = parse(new SourceFile('t.fw', text));
  assert.equal(r.diagnostics.map((d) => d.message), []);
  return format(r.value);
}

function compiled(text: string): string {
  const built = buildPolicies([new SourceFile('t.fw', text)], { asOf: '2026-11-24' });
  // Diagnostics are compared by code: their messages may name line numbers, which formatting moves.
  return serialize(compiledDocument(built.policies), 'json') + built.diagnostics.map((d) => d.code.code).join(' ');
}

const Layout = suite('canonical layout');
Layout('spacing, commas, quotes and blank lines', () => {
  assert.is(
    fmt('\n\npolicy   shop\n\n\n\ntags web ,api,"db"   ,  "on"\nanyone   may reach web on http,https\n\n'),
    'policy shop\n\ntags web, api, db, "on"\nanyone may reach web on http, https\n',
  );
});
Layout('comments stay where they were; continuation lines are indented by four', () => {
  const src = '# head\ntags web,  # the front\n        # more\n  db   # tail\n# end\n';
  assert.is(fmt(src), '# head\ntags web,  # the front\n    # more\n    db  # tail\n# end\n');
});
Layout('names that would read as something else stay quoted', () => {
  assert.is(fmt('tags "10", "a::b", "2026-01-01", "may", "ok"\n'), 'tags "10", "a::b", "2026-01-01", "may", ok\n');
});
Layout('keywords are contextual: quotes that are not needed go, reserved words keep theirs', () => {
  const src =
    'policy "policy"\ntags "cluster", "database", "all", "open", "group", "service", "egress", "tag", "vpc", "droplets", "on"\n' +
    'service "web" = tcp 80\nservice "all-ports" = all\n"cluster", "all" may reach "database" on "web"\negress from "open" is restricted\n';
  const out = fmt(src);
  assert.is(
    out,
    'policy policy\ntags cluster, database, all, open, group, service, egress, tag, vpc, droplets, "on"\n' +
      'service web = tcp 80\nservice all-ports = all\ncluster, all may reach database on web\negress from open is restricted\n',
  );
  assert.is(compiled(out), compiled(src), 'the same meaning, unquoted');
  assert.is(fmt('droplets old = "legacy-1",   12345\nold may reach tag "x", vpc "v" on ssh\n'), 'droplets old = "legacy-1", 12345\nold may reach tag "x", vpc "v" on ssh\n');
});
Layout('the example policies are already formatted', () => {
  for (const path of ['policies/shop.fw', 'policies/platform.fw']) {
    const text = readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
    assert.fixture(fmt(text), text, path);
  }
});
Layout.run();

// ---

const Properties = suite('formatting properties');
// Scrambles whitespace, quoting and line breaks without changing meaning.
function scramble(text: string, seed: number): string {
  const r = rng(seed);
  return text
    .split('\n')
    .map((line) => {
      let out = line.replace(/, /g, () => [',', ', ', ' ,', ',\n   ', ' , '][Math.floor(r() * 5)]!);
      out = out.replace(/ /g, () => (r() < 0.2 ? '  \t' : ' '));
      if (r() < 0.2) out = `   ${out}`;
      if (r() < 0.2 && out.trim() !== '') out += `   # c${Math.floor(r() * 100)}`;
      return out;
    })
    .join(r() < 0.5 ? '\n' : '\n\n');
}
Properties('idempotent and meaning-preserving on 40 generated, scrambled policies', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const original = generatePolicy(seed, { statements: 15, tags: 5, resources: true, expiry: true, guardrails: 0.2 });
    const messy = scramble(original, seed);
    const once = fmt(messy);
    assert.is(fmt(once), once, `not idempotent (seed ${seed})`);
    assert.is(compiled(once), compiled(messy), `meaning changed (seed ${seed})`);
    assert.is(compiled(once), compiled(original), `meaning changed (seed ${seed})`);
  }
});
Properties.run();
