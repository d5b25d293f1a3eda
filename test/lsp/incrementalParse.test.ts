// The language server's statement-level incremental parse gives exactly what parse() gives, after any
// sequence of edits, and matches only the statements that changed.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SourceFile } from '../../src/source/sourceFile.js';
import { parse } from '../../src/syntax/parse.js';
import { StatementCache } from '../../src/lsp/incrementalParse.js';
import { Workspace } from '../../src/lsp/workspace.js';
import { generatePolicy, rng } from '../helpers/generatePolicy.js';

/** A comparable form of a parse: the tree and every diagnostic with its place and file path. */
function view(r: { value: { statements: unknown; comments: unknown }; diagnostics: readonly { code: { code: string }; message: string; primary: { span: unknown; file: { path: string } } | null; help: readonly string[] }[] }) {
  return {
    statements: JSON.parse(JSON.stringify(r.value.statements)),
    comments: r.value.comments,
    diagnostics: r.diagnostics.map((d) => [d.code.code, d.message, d.primary?.span, d.primary?.file.path, d.help]),
  };
}

const Same = suite('same result as parse()');
Same('random edits of a generated policy, with broken statements and comments', () => {
  const cache = new StatementCache();
  const random = rng(7);
  let text = generatePolicy(3, { statements: 200, tags: 20, resources: true, expiry: true });
  const pieces = ['x', ' ', ',', '\n', '#', '"', 'may', ' on ', '80-', 'tcp', '::', '10.0.0.1/8', '\n  ', 'reach'];
  for (let round = 0; round < 150; round++) {
    const at = Math.floor(random() * (text.length + 1));
    const cut = random() < 0.4 ? Math.floor(random() * 6) : 0;
    text = text.slice(0, at) + pieces[Math.floor(random() * pieces.length)] + text.slice(at + cut);
    const file = new SourceFile('policies/gen.fw', text);
    assert.equal(view(cache.parse(file)), view(parse(file)), `round ${round}`);
  }
});
Same.run();

const Reuse = suite('reuse');
Reuse('a keystroke matches one statement', () => {
  const cache = new StatementCache();
  const text = generatePolicy(5, { statements: 1000, tags: 100 });
  cache.parse(new SourceFile('a.fw', text));
  const before = cache.matched;
  const at = text.indexOf(' may reach ') + 1;
  cache.parse(new SourceFile('a.fw', text.slice(0, at) + 'x' + text.slice(at)));
  assert.is(cache.matched - before, 1);
});
Reuse('statements no file holds are swept once they outnumber the live ones', () => {
  const cache = new StatementCache();
  let last;
  for (let i = 0; i < 3000; i++) last = cache.parse(new SourceFile('a.fw', `tags t${i}\n`));
  cache.sweep([last!.keys]);
  const before = cache.matched;
  cache.parse(new SourceFile('a.fw', 'tags t0\n'));
  assert.is(cache.matched - before, 1, 'a swept statement is matched again');
  cache.parse(new SourceFile('a.fw', 'tags t2999\n'));
  assert.is(cache.matched - before, 1, 'a live one is kept');
});
Reuse('typing for long without a build keeps the cache about as large as the text', () => {
  const ws = new Workspace([]);
  let text = 'tags web\n';
  for (let i = 0; i < 300; i++) text += `web may reach web on ${1000 + i}\n`;
  // 3,000 keystrokes, each a new text of the last statement: without sweeping, 3,301 entries.
  for (let i = 0; i < 3000; i++) ws.update('file:///a.fw', `${text}web may reach web on 9${i}`);
  assert.ok(ws.statementCache.size <= 2 * 302 + 1000 + 500, String(ws.statementCache.size));
});
Reuse.run();
