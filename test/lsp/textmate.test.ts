// The TextMate grammar of the VS Code extension (editors/vscode/syntaxes/fwc.tmLanguage.json), run by
// vscode-textmate with the Oniguruma regex engine VS Code uses, on the example policies and the test
// fixtures. It must be up to date with the language's keyword list (src/check/builtins.ts).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import onigurumaModule from 'vscode-oniguruma';
import textmateModule from 'vscode-textmate';
import { BUILTIN_SERVICES, KEYWORDS } from '../../src/check/builtins.js';
import { GRAMMAR_PATH, grammarJson } from '../../scripts/textmateGrammar.js';
import { ROOT } from '../helpers/cli.js';

// Both are CommonJS: their exports come as the default export.
const oniguruma = onigurumaModule as unknown as typeof import('vscode-oniguruma');
const textmate = textmateModule as unknown as typeof import('vscode-textmate');
const require = createRequire(import.meta.url);
const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new textmate.Registry({
  onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
  loadGrammar: async (scope: string) => (scope === 'source.fwc' ? textmate.parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null),
});
const grammar = (await registry.loadGrammar('source.fwc'))!;

/** Every token of a text as `text → innermost scope`. */
function tokenize(text: string): { text: string; scope: string }[] {
  let stack = textmate.INITIAL;
  const out: { text: string; scope: string }[] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scope: t.scopes[t.scopes.length - 1]! });
    stack = r.ruleStack;
  }
  return out;
}

function scopeOf(text: string, word: string, nth = 0): string {
  const hits = tokenize(text).filter((t) => t.text === word);
  if (!hits[nth]) throw new Error(`no token ${word} in ${JSON.stringify(tokenize(text))}`);
  return hits[nth]!.scope;
}

function policies(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : n.endsWith('.fw') ? [join(dir, n)] : []));
  return [...walk(join(ROOT, 'policies')), ...walk(join(ROOT, 'test', 'fixtures'))];
}

const Current = suite('grammar file');
Current('is generated from the keyword list and up to date', () => {
  assert.is(readFileSync(GRAMMAR_PATH, 'utf8'), grammarJson(), 'run `npm run grammar` to regenerate editors/vscode/syntaxes/fwc.tmLanguage.json');
});
Current.run();

const Scopes = suite('scopes');
Scopes('the example policy: keywords, names, services, addresses, strings, comments, dates', () => {
  const shop = readFileSync(join(ROOT, 'policies', 'shop.fw'), 'utf8');
  assert.is(scopeOf(shop, '# policies/shop.fw — the example policy of the language reference (docs/language.md)'), 'comment.line.number-sign.fwc');
  assert.is(scopeOf(shop, 'policy'), 'keyword.declaration.fwc');
  assert.is(scopeOf(shop, 'shop'), 'entity.name.namespace.fwc');
  assert.is(scopeOf(shop, 'tags'), 'keyword.declaration.fwc');
  assert.is(scopeOf(shop, 'app'), 'entity.name.type.group.fwc');
  assert.is(scopeOf(shop, 'office'), 'entity.name.constant.addresses.fwc');
  assert.is(scopeOf(shop, 'metrics'), 'entity.name.function.service.fwc');
  assert.is(scopeOf(shop, 'web'), 'variable.other.name.fwc');
  assert.is(scopeOf(shop, 'may'), 'keyword.other.fwc');
  assert.is(scopeOf(shop, 'reach'), 'keyword.other.fwc');
  assert.is(scopeOf(shop, 'anyone'), 'constant.language.fwc');
  assert.is(scopeOf(shop, 'https'), 'support.function.service.fwc');
  assert.is(scopeOf(shop, 'tcp'), 'support.type.protocol.fwc');
  assert.is(scopeOf(shop, '9100'), 'constant.numeric.port.fwc');
  assert.is(scopeOf(shop, '203.0.113.0/24'), 'constant.numeric.address.ipv4.fwc');
  assert.is(scopeOf(shop, '2001:db8:10::/48'), 'constant.numeric.address.ipv6.fwc');
  assert.is(scopeOf(shop, 'load-balancer'), 'storage.type.resource.fwc');
  assert.is(scopeOf(shop, '"shop-lb"'), 'string.quoted.double.fwc');
  assert.is(scopeOf(shop, '2026-12-31'), 'constant.numeric.date.fwc');
  assert.is(scopeOf(shop, 'restricted'), 'constant.language.fwc');
});
Scopes('a keyword is a keyword only as a whole word; a quoted keyword is a string', () => {
  const t = 'tags online, on-call, env:prod, "on"\nonline may reach on-call on 8000-9000 # on';
  assert.is(scopeOf(t, 'online'), 'variable.other.name.fwc');
  assert.is(scopeOf(t, 'on-call'), 'variable.other.name.fwc');
  assert.is(scopeOf(t, 'env:prod'), 'variable.other.name.fwc');
  assert.is(scopeOf(t, '"on"'), 'string.quoted.double.fwc');
  assert.is(scopeOf(t, 'on'), 'keyword.other.fwc');
  assert.is(scopeOf(t, '8000-9000'), 'constant.numeric.port.fwc');
  assert.is(scopeOf(t, '# on'), 'comment.line.number-sign.fwc');
});
Scopes('every keyword and built-in service is coloured as one', () => {
  for (const k of KEYWORDS) assert.not.equal(scopeOf(`x ${k} y`, k), 'variable.other.name.fwc', k);
  for (const s of BUILTIN_SERVICES.keys()) assert.is(scopeOf(`on ${s}`, s), 'support.function.service.fwc');
});
Scopes('every policy of the repository tokenizes; every word gets a scope of its own', () => {
  const files = policies();
  assert.ok(files.length > 10);
  for (const path of files) {
    for (const t of tokenize(readFileSync(path, 'utf8'))) {
      if (/[A-Za-z0-9]/.test(t.text)) assert.not.equal(t.scope, 'source.fwc', `${path}: ${JSON.stringify(t.text)} has no scope`);
    }
  }
});
Scopes.run();
