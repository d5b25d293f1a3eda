// The VS Code extension's manifest holds together: the language, its file extension, the grammar file and
// its scope, the language configuration, and a client that starts `fwc lsp`. (Building the .vsix itself
// is `npm run vsix`, which installs @vscode/vsce into editors/vscode.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../helpers/cli.js';

const dir = join(ROOT, 'editors', 'vscode');
const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

const Manifest = suite('extension manifest');
Manifest('declares the fwc language for .fw files with its configuration and grammar', () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language.extensions, ['.fw']);
  assert.is(language.id, 'fwc');
  const config = JSON.parse(readFileSync(join(dir, language.configuration), 'utf8'));
  assert.is(config.comments.lineComment, '#');
  assert.ok(config.autoClosingPairs.some((p: { open: string }) => p.open === '"'));
  const [grammar] = manifest.contributes.grammars;
  assert.is(grammar.language, 'fwc');
  assert.ok(existsSync(join(dir, grammar.path)));
  assert.is(JSON.parse(readFileSync(join(dir, grammar.path), 'utf8')).scopeName, grammar.scopeName);
});
Manifest('the client starts `fwc lsp` over stdio, and the package ships what it needs', () => {
  const source = readFileSync(join(dir, 'src', 'extension.ts'), 'utf8');
  assert.match(source, "'lsp'");
  assert.match(source, 'TransportKind.stdio');
  assert.is(manifest.main, './dist/extension.js');
  const ignore = readFileSync(join(dir, '.vscodeignore'), 'utf8');
  for (const f of ['package.json', 'language-configuration.json', 'syntaxes/fwc.tmLanguage.json', 'dist/extension.js']) assert.match(ignore, `!${f}`);
  // Every dependency pinned to an exact version.
  for (const v of Object.values({ ...manifest.dependencies, ...manifest.devDependencies }) as string[]) assert.match(v, /^\d+\.\d+\.\d+$/);
});
Manifest.run();
