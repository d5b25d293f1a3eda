// Language server latency: a 1,000-statement policy (generated, as bench/compile.ts makes them) edited
// keystroke by keystroke. Target: the server's work for a keystroke within 50 ms.
//
//   1. In process (server time, no transport): applying a keystroke to the workspace index (incremental
//      parse and names), completion and hover at the cursor, and the debounced diagnostics build of the
//      workspace; next to a full parse() of the file, what every keystroke would cost without reuse.
//   2. Over the protocol, against the built `fwc lsp` (npm run build first): a didChange followed by a
//      completion request, the round trip an editor waits for; and, for the keystrokes that make the file
//      valid again (a full build: check, compile, analyses), didChange → publishDiagnostics with the
//      debounce set to 0.
//
//   node --import tsx bench/lsp.ts [STATEMENTS]      (default 1000)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { complete } from '../src/lsp/completion.js';
import { hover } from '../src/lsp/hover.js';
import { semanticTokens } from '../src/lsp/semanticTokens.js';
import { documentSymbols } from '../src/lsp/symbols.js';
import { Workspace } from '../src/lsp/workspace.js';
import { SourceFile } from '../src/source/sourceFile.js';
import { parse } from '../src/syntax/parse.js';
import { generatePolicy } from '../test/helpers/generatePolicy.js';
import { FWC, median, table } from './lib.js';

const STATEMENTS = Number(process.argv[2] ?? 1000);
const KEYSTROKES = 200;
const TARGET_MS = 50;

function p95(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

const dir = mkdtempSync(join(tmpdir(), 'fwc-bench-lsp-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const text = generatePolicy(42, { statements: STATEMENTS, tags: Math.max(10, STATEMENTS / 10), pools: 'wide', guardrails: 0.05, restricted: 0.2, resources: true, expiry: true });
const path = join(dir, 'bench.fw');
writeFileSync(path, text);
const uri = pathToFileURL(path).href;
const lines = text.split('\n');
const statementCount = lines.filter((l) => l.trim() && !l.trim().startsWith('#')).length;

/** Where the n-th keystroke types: the end of the n-th rule line (after its `on …` list), typing `, ssh` one character at a time. */
const ruleLines = lines.map((l, i) => [l, i] as const).filter(([l]) => / may reach .* on /.test(l) && !l.includes('#') && !l.includes('until')).map(([, i]) => i);
const typed = ', ssh';

function keystrokes(): { text: string; line: number; character: number }[] {
  const out = [];
  const current = [...lines];
  for (let k = 0; k < KEYSTROKES; k++) {
    const line = ruleLines[Math.floor(k / typed.length) % ruleLines.length]!;
    current[line] = current[line]! + typed[k % typed.length]!;
    out.push({ text: current.join('\n'), line, character: current[line]!.length });
  }
  return out;
}

// 1. In process.
const ws = new Workspace([dir], () => '2026-11-24');
ws.scan();
ws.build();
const fullParse: number[] = [];
const update: number[] = [];
const completion: number[] = [];
const hovers: number[] = [];
const builds: number[] = [];
const coldHovers: number[] = [];
const tokens: number[] = [];
const symbols: number[] = [];
for (let i = 0; i < 20; i++) {
  const t0 = performance.now();
  parse(new SourceFile('bench.fw', text));
  fullParse.push(performance.now() - t0);
}
for (const [k, key] of keystrokes().entries()) {
  const t0 = performance.now();
  const doc = ws.update(uri, key.text);
  const t1 = performance.now();
  complete(doc, { line: key.line, character: key.character });
  const t2 = performance.now();
  update.push(t1 - t0);
  completion.push(t2 - t1);
  // What VS Code asks for after changes (it debounces these itself): semantic tokens and the outline.
  if (k % 5 === 2) {
    const a = performance.now();
    semanticTokens(doc);
    const b = performance.now();
    documentSymbols(doc);
    tokens.push(b - a);
    symbols.push(performance.now() - b);
  }

  // When `, ssh` is complete (the file is valid again), alternately: a hover straight away, which checks and
  // compiles the file on the main thread first (what it shows needs the compiled policy); or the debounced
  // build of the workspace, then a hover.
  if (k % 10 === 9) {
    const a = performance.now();
    hover(ws, doc, { line: key.line, character: 1 }, []);
    coldHovers.push(performance.now() - a);
  } else if (k % 10 === 4) {
    const t3 = performance.now();
    ws.build();
    const t4 = performance.now();
    hover(ws, doc, { line: key.line, character: 1 }, []);
    builds.push(t4 - t3);
    hovers.push(performance.now() - t4);
  }
}

console.log(`${statementCount} statements, ${text.length} bytes, ${KEYSTROKES} keystrokes (server time in ms, in process)`);
table(
  ['step', 'median', 'p95', 'max'],
  [
    ['keystroke: update index (incremental parse)', median(update), p95(update), Math.max(...update)],
    ['completion at the cursor', median(completion), p95(completion), Math.max(...completion)],
    ['keystroke total (update + completion)', median(update.map((u, i) => u + completion[i]!)), p95(update.map((u, i) => u + completion[i]!)), Math.max(...update.map((u, i) => u + completion[i]!))],
    ['hover (after a build)', median(hovers), p95(hovers), Math.max(...hovers)],
    ['hover right after a keystroke (checks, compiles the file)', median(coldHovers), p95(coldHovers), Math.max(...coldHovers)],
    ['semantic tokens of the file', median(tokens), p95(tokens), Math.max(...tokens)],
    ['document symbols of the file', median(symbols), p95(symbols), Math.max(...symbols)],
    ['diagnostics: build of the workspace (debounced)', median(builds), p95(builds), Math.max(...builds)],
    ['for comparison: full parse() of the file', median(fullParse), p95(fullParse), Math.max(...fullParse)],
  ],
);

// 2. Over the protocol, against the built server.
const child = spawn(process.execPath, [FWC, 'lsp', '--stdio'], { cwd: dir, stdio: ['pipe', 'pipe', 'inherit'] });
const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
conn.listen();
let onDiagnostics: ((errors: number) => void) | null = null;
conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
  if (p.uri === uri && onDiagnostics) onDiagnostics(p.diagnostics.filter((d) => d.severity === 1).length);
});
conn.onRequest('client/registerCapability', () => null);
await conn.sendRequest(InitializeRequest.type, {
  processId: process.pid,
  rootUri: pathToFileURL(dir).href,
  workspaceFolders: [{ uri: pathToFileURL(dir).href, name: 'bench' }],
  capabilities: {},
  initializationOptions: { debounceMs: 0, asOf: '2026-11-24' },
});
await conn.sendNotification(InitializedNotification.type, {});
await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'fwc', version: 1, text } });
const roundTrip: number[] = [];
const toDiagnostics: number[] = [];
let version = 1;
for (const [k, key] of keystrokes().entries()) {
  const line = key.line;
  const ch = key.character - 1;
  // When `, ssh` is complete the file is valid again: time until diagnostics without errors arrive.
  const complete = k % typed.length === typed.length - 1;
  const diagnosed = complete ? new Promise<void>((resolve) => (onDiagnostics = (errors) => errors === 0 && resolve())) : null;
  const t0 = performance.now();
  await conn.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: ++version },
    contentChanges: [{ range: { start: { line, character: ch }, end: { line, character: ch } }, text: typed[k % typed.length]! }],
  });
  await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: key.character } });
  roundTrip.push(performance.now() - t0);
  if (diagnosed) {
    await diagnosed;
    toDiagnostics.push(performance.now() - t0);
    onDiagnostics = null;
  }
}
await conn.sendRequest(ShutdownRequest.type);
await conn.sendNotification(ExitNotification.type);

console.log(`\nover the protocol (built fwc lsp, stdio, debounce 0; wall time in ms, client included)`);
table(
  ['step', 'median', 'p95', 'max'],
  [
    ['didChange + completion round trip', median(roundTrip), p95(roundTrip), Math.max(...roundTrip)],
    ['didChange → publishDiagnostics (file valid again: full build)', median(toDiagnostics), p95(toDiagnostics), Math.max(...toDiagnostics)],
  ],
);
const keystroke = p95(update.map((u, i) => u + completion[i]!));
console.log(`\nkeystroke (update + completion) p95 ${keystroke.toFixed(1)} ms: ${keystroke <= TARGET_MS ? 'within' : 'OVER'} the ${TARGET_MS} ms target`);
