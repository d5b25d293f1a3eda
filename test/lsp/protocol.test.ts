// The language server through a real LSP client library (vscode-languageserver-protocol's JSON-RPC
// connection) against the built `fwc lsp`: initialize, diagnostics of every workspace file (the same as
// `fwc validate`), open, change, hover, completion, definition, references, rename, formatting, code
// actions, symbols, semantic tokens, errors that must not stop the server, shutdown and exit.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  HoverRequest,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  type CompletionItem,
  type CompletionList,
  type Hover,
  type Location,
  type MarkupContent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { runCli } from '../helpers/cli.js';
import { copyWorkspace, TestClient, uriOf } from './client.js';

const root = copyWorkspace();
const { client, init } = await TestClient.start(root);
const conn = client.connection;
const shopPath = join(root, 'policies', 'shop.fw');
const shopUri = uriOf(shopPath);
const shopText = readFileSync(shopPath, 'utf8');
const brokenUri = uriOf(join(root, 'policies', 'broken.fw'));

/** The position of the `nth` occurrence of `needle` in `text` (plus `delta` characters). */
function at(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, i + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

function hoverText(h: Hover | null): string {
  return h ? (h.contents as MarkupContent).value : '';
}

function labels(r: CompletionItem[] | CompletionList | null): string[] {
  return (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label);
}

/** Applies text edits (non-overlapping) to a text. */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

const Init = suite('initialize');
Init('advertises every feature', () => {
  const c = init.capabilities;
  assert.ok(c.hoverProvider && c.completionProvider && c.definitionProvider && c.referencesProvider);
  assert.ok(c.renameProvider && c.documentFormattingProvider && c.codeActionProvider && c.documentSymbolProvider);
  assert.ok(c.semanticTokensProvider);
  assert.is(init.serverInfo?.name, 'fwc');
});
Init('publishes the diagnostics of every policy file of the folder, open or not, as fwc validate reports them', async () => {
  await client.until('diagnostics of four files', () => client.diagnostics.size >= 4);
  const cli = await runCli(['validate', '--diagnostics', 'json', '--as-of', '2026-11-24'], { cwd: root });
  const expected = (JSON.parse(cli.stderr) as { diagnostics: { code: string; file: string; line: number; column: number; message: string }[] }).diagnostics
    .map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`)
    .sort();
  const got: string[] = [];
  for (const [uri, list] of client.diagnostics) {
    const rel = uri.slice(uriOf(root).length + 1);
    for (const d of list) got.push(`${rel}:${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${String(d.message).split('\n')[0]}`);
  }
  assert.equal(got.sort(), expected);
  const unknown = client.diagnostics.get(brokenUri)!.find((d) => d.code === 'FW201')!;
  assert.is(
    unknown.message,
    'unknown name `dbb`\nhelp: did you mean `db` or `web`?\n' +
      'help: to govern tag `dbb` (its own firewall, closed to all this policy does not grant): declare `tags dbb`\n' +
      'help: to refer to tag `dbb` without governing it (its droplets keep the firewalls they have): write `tag "dbb"`\n' +
      'help: or declare it as a droplet set, group or address set (`droplets NAME = …`, `group NAME = …`, `addresses NAME = …`)',
  );
  assert.is(unknown.source, 'fwc');
  assert.equal(unknown.range, { start: { line: 6, character: 14 }, end: { line: 6, character: 17 } });
  // The cross-file warning names the other file as a related place.
  const shared = client.diagnosticsOf('policies/shop.fw')!.find((d) => d.code === 'FW408')!;
  assert.ok(shared, 'shared tag warning');
});
Init.run();

const Editing = suite('open and change');
Editing('a change is diagnosed; undoing it clears the diagnostic', async () => {
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: shopUri, languageId: 'fwc', version: 1, text: shopText } });
  const pos = at(shopText, 'app may reach db on postgres', 'app may reach '.length);
  // Incremental change: `db` → `dbx`.
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: shopUri, version: 2 },
    contentChanges: [{ range: { start: { ...pos, character: pos.character + 2 }, end: { ...pos, character: pos.character + 2 } }, text: 'x' }],
  });
  const d = await client.until('FW201 in shop.fw', () => client.diagnostics.get(shopUri)?.find((x) => x.code === 'FW201'));
  assert.ok(String(d.message).startsWith('unknown name `dbx`'));
  assert.equal(d.range.start, pos);
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri: shopUri, version: 3 },
    contentChanges: [{ range: { start: { ...pos, character: pos.character + 2 }, end: { ...pos, character: pos.character + 3 } }, text: '' }],
  });
  await client.until('FW201 gone', () => !client.diagnostics.get(shopUri)?.some((x) => x.code === 'FW201'));
});
Editing.run();

const Hovers = suite('hover');
Hovers('a group with its expansion, and what the statement compiles to', async () => {
  const h = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'app may reach db on postgres', 1) });
  const text = hoverText(h);
  assert.match(text, '**group** `app` = web, api');
  assert.match(text, 'expands to the tags `web`, `api`');
  assert.match(text, 'compiles to:');
  assert.match(text, 'fwc-shop-db\n  inbound tcp 5432 from tag:api\n  inbound tcp 5432 from tag:web');
});
Hovers('a tag, an address set, a declared and a built-in service', async () => {
  assert.match(hoverText(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'tags web', 5) })), 'firewall `fwc-shop-web`');
  assert.match(hoverText(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'office, vpn', 1) })), '- `203.0.113.0/24`\n- `2001:db8:10::/48`');
  assert.match(hoverText(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'on metrics', 4) })), 'service metrics = tcp 9100, 9256');
  assert.match(hoverText(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'on ssh', 4) })), '**built-in service** `ssh`: tcp 22');
  // bastion is also declared by ops.fw: the hover says so.
  assert.match(hoverText(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'bastion', 1) })), 'also declared in policies/ops.fw');
});
Hovers('a diagnostic shows its fwc explain text', async () => {
  const broken = readFileSync(join(root, 'policies', 'broken.fw'), 'utf8');
  const h = hoverText(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: brokenUri }, position: at(broken, 'dbb', 1) }));
  assert.match(h, '**FW201** unknown-name: a name is not declared');
  assert.match(h, 'Every tag, droplet set, group, address set and service a statement uses must be declared');
});
Hovers.run();

const Completion = suite('completion');
Completion('names where an endpoint goes, services after on, keywords where they fit', async () => {
  const line = at(shopText, 'app may reach db on postgres');
  const ask = (character: number) => conn.sendRequest(CompletionRequest.type, { textDocument: { uri: shopUri }, position: { line: line.line, character } });
  const endpoints = labels(await ask('app may reach '.length));
  for (const l of ['web', 'app', 'office', 'anyone', 'load-balancer "…"', 'database "…"']) assert.ok(endpoints.includes(l), `${l} in ${endpoints}`);
  assert.not.ok(endpoints.includes('ssh'), 'no services where an endpoint goes');
  const services = labels(await ask('app may reach db on '.length));
  for (const l of ['postgres', 'ssh', 'metrics', 'tcp', 'udp', 'icmp', 'all']) assert.ok(services.includes(l), `${l} in ${services}`);
  assert.not.ok(services.includes('web'));
  const verbs = labels(await ask('app '.length));
  assert.ok(verbs.includes('may reach') && verbs.includes('must not reach'), String(verbs));
  // At the start of a new line: statement keywords.
  const end = shopText.split('\n').length - 1;
  const starts = labels(await conn.sendRequest(CompletionRequest.type, { textDocument: { uri: shopUri }, position: { line: end, character: 0 } }));
  for (const l of ['tags', 'group', 'service', 'expect', 'egress from', 'policy']) assert.ok(starts.includes(l), `${l} in ${starts}`);
});
Completion.run();

const Navigation = suite('definition, references and rename');
Navigation('definition of a use is its declaration', async () => {
  const defs = (await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'app may reach db on postgres', 'app may reach '.length) })) as Location[];
  assert.equal(defs, [{ uri: shopUri, range: { start: at(shopText, 'db, cache, bastion'), end: at(shopText, 'db, cache, bastion', 2) } }]);
});
Navigation('a tag declared in two files is one DigitalOcean tag: references span both', async () => {
  const refs = (await conn.sendRequest(ReferencesRequest.type, {
    textDocument: { uri: shopUri },
    position: at(shopText, 'bastion', 1),
    context: { includeDeclaration: true },
  })) as Location[];
  const files = new Set(refs.map((r) => r.uri.slice(uriOf(root).length + 1)));
  assert.equal([...files].sort(), ['policies/ops.fw', 'policies/shop.fw']);
  assert.is(refs.length, 3 + 3); // each file: the declaration and two uses
});
Navigation('rename of a group changes its declaration and every use, and quotes a keyword', async () => {
  const prep = await conn.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'group app', 7) });
  assert.ok(prep && 'placeholder' in prep && prep.placeholder === 'app');
  const edit = (await conn.sendRequest(RenameRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'group app', 7), newName: 'apps' })) as WorkspaceEdit;
  const renamed = applyEdits(shopText, edit.changes![shopUri]!);
  assert.is(renamed, shopText.replace(/\bapp\b/g, 'apps'));
  const quoted = (await conn.sendRequest(RenameRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'group app', 7), newName: 'on' })) as WorkspaceEdit;
  assert.ok(quoted.changes![shopUri]!.every((e) => e.newText === '"on"'));
  // An invalid name is refused with a message, not applied.
  try {
    await conn.sendRequest(RenameRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'group app', 7), newName: 'a b' });
    assert.unreachable('should refuse');
  } catch (e) {
    assert.match(String((e as Error).message), 'is not a valid name');
  }
});
Navigation.run();

const Formatting = suite('formatting and code actions');
Formatting('formatting gives exactly fwc fmt output', async () => {
  const path = join(root, 'messy.fw');
  const text = readFileSync(path, 'utf8');
  const uri = uriOf(path);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'fwc', version: 1, text } });
  const edits = (await conn.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })) as TextEdit[];
  const cli = await runCli(['fmt', 'messy.fw'], { cwd: root });
  assert.is(cli.code, 0);
  assert.is(applyEdits(text, edits), readFileSync(path, 'utf8'));
});
Formatting('quick fixes: did you mean, quote a keyword, host bits, add an on clause, refer to a tag without governing it', async () => {
  const text = readFileSync(join(root, 'policies', 'broken.fw'), 'utf8');
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: brokenUri, languageId: 'fwc', version: 1, text } });
  const actionsAt = async (needle: string, delta: number) => {
    const p = at(text, needle, delta);
    const r = await conn.sendRequest(CodeActionRequest.type, { textDocument: { uri: brokenUri }, range: { start: p, end: p }, context: { diagnostics: [] } });
    return (r ?? []).filter((a) => 'edit' in a) as { title: string; edit: WorkspaceEdit }[];
  };
  const dbb = await actionsAt('dbb', 1);
  assert.equal(dbb.map((a) => a.title), ['Change to `db`', 'Change to `web`', 'Add `tags dbb`', 'Refer to the tag without governing it: tag "dbb"']);
  assert.match(applyEdits(text, dbb[0]!.edit.changes![brokenUri]!), 'web may reach db on postgres');
  assert.match(applyEdits(text, dbb[3]!.edit.changes![brokenUri]!), 'web may reach tag "dbb" on postgres');
  const on = await actionsAt('db, on', 5);
  assert.equal(on.map((a) => a.title), ['Quote it: "on"']);
  assert.match(applyEdits(text, on[0]!.edit.changes![brokenUri]!), 'tags web, db, "on"');
  const bits = await actionsAt('10.0.0.5/8', 1);
  assert.equal(bits.map((a) => a.title), ['Change to `10.0.0.0/8`', 'Change to `10.0.0.5`']);
});
Formatting.run();

const Outline = suite('symbols and semantic tokens');
Outline('document symbols list declarations and statements', async () => {
  const symbols = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: shopUri } })) as { name: string; detail?: string }[];
  assert.ok(symbols.some((s) => s.name === 'shop' && s.detail === 'policy'));
  assert.ok(symbols.some((s) => s.name === 'app' && s.detail === 'group'));
  assert.ok(symbols.some((s) => s.name === 'app may reach db on postgres' && s.detail === 'grant'));
  assert.ok(symbols.some((s) => s.name.startsWith('expect anyone cannot reach db') && s.detail === 'expectation'));
});
Outline('semantic tokens tell a group from a tag', async () => {
  const legend = init.capabilities.semanticTokensProvider!.legend;
  const tokens = await conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: shopUri } });
  const data = tokens!.data;
  let line = 0;
  let char = 0;
  const found: string[] = [];
  for (let i = 0; i < data.length; i += 5) {
    line += data[i]!;
    char = data[i]! === 0 ? char + data[i + 1]! : data[i + 1]!;
    const word = shopText.split('\n')[line]!.slice(char, char + data[i + 2]!);
    found.push(`${word}:${legend.tokenTypes[data[i + 3]!]}`);
  }
  for (const t of ['app:class', 'web:variable', 'office:enumMember', 'metrics:function', 'ssh:function', 'may:keyword', '8080:number', '"shop-lb":string']) {
    assert.ok(found.includes(t), `${t}`);
  }
});
Outline.run();

const Robust = suite('never crashes');
Robust('garbage, binary and odd requests get answers, errors are logged, the server keeps running', async () => {
  const uri = uriOf(join(root, 'junk.fw'));
  const junk = '\u0000\uffff"unterminated\n,,,,\n'.repeat(50) + 'x'.repeat(100_000) + '\n' + 'tags ' + 'a,'.repeat(5000);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'fwc', version: 1, text: junk } });
  await client.until('diagnostics of junk', () => client.diagnostics.get(uri));
  for (const position of [{ line: 0, character: 0 }, { line: 9999, character: 9999 }, { line: 3, character: 2 }]) {
    await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position });
  }
  // A document the server never saw, and malformed parameters: empty answers and a logged error.
  assert.is(await conn.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///nowhere.fw' }, position: { line: 0, character: 0 } }), null);
  await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: null } as never);
  await client.until('an error logged', () => client.logs.some((l) => l.includes('hover failed')));
  assert.match(client.logs.find((l) => l.includes('hover failed'))!, 'please report');
  // Still answering.
  const h = await conn.sendRequest(HoverRequest.type, { textDocument: { uri: shopUri }, position: at(shopText, 'group app', 7) });
  assert.match(hoverText(h), '**group** `app`');
});
Robust.run();

const Disk = suite('files on disk');
Disk('a file created on disk is diagnosed; deleted, its diagnostics are cleared', async () => {
  const path = join(root, 'policies', 'new.fw');
  const uri = uriOf(path);
  writeFileSync(path, 'tags n1\nn1 may reach n2 on ssh\n');
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Created }] });
  const d = await client.until('new.fw diagnosed', () => client.diagnostics.get(uri)?.find((x) => x.code === 'FW201'));
  assert.ok(String(d.message).startsWith('unknown name `n2`'));
  rmSync(path);
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri, type: FileChangeType.Deleted }] });
  await client.until('new.fw cleared', () => client.diagnostics.get(uri)?.length === 0);
});
Disk.run();

const Exit = suite('shutdown');
Exit('shutdown then exit ends the process with 0', async () => {
  assert.is(await client.stop(), 0);
});
Exit.run();
