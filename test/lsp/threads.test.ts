// Diagnostics are built on a thread of their own (src/lsp/buildWorker.ts) or, with FWC_LSP_THREADS=1 or
// where no worker can start, on the main thread: both publish the same diagnostics, and follow edits and
// files that go away.
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DidChangeTextDocumentNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { copyWorkspace, TestClient, uriOf } from './client.js';

async function session(env: Record<string, string>, expected: string): Promise<string[]> {
  const root = copyWorkspace();
  const { client } = await TestClient.start(root, { debounceMs: 10, asOf: '2026-11-24' }, env);
  try {
    return await steps(client, root, expected);
  } finally {
    client.child.kill();
  }
}

async function steps(client: TestClient, root: string, expected: string): Promise<string[]> {
  const seen: string[] = [];
  const summary = () =>
    [...client.diagnostics]
      .map(([uri, ds]) => `${uri.slice(uriOf(root).length + 1)}: ${ds.map((d) => `${d.range.start.line + 1}:${d.code}`).join(' ')}`)
      .sort()
      .join('\n');
  await client.until('four files', () => client.diagnostics.size >= 4);
  seen.push(summary());
  const where = client.logs.find((l) => l.includes('diagnostics built on'));
  assert.ok(where, 'the server says where it builds');
  assert.match(where, expected);
  // A new file, open in the editor only: diagnosed; then fixed; then closed (it is not on disk: cleared).
  const uri = uriOf(join(root, 'scratch.fw'));
  await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'fwc', version: 1, text: 'tags s1\ns1 may reach s2 on ssh\n' } });
  await client.until('scratch diagnosed', () => client.diagnostics.get(uri)?.length);
  seen.push(summary());
  await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'tags s1, s2\ns1 may reach s2 on ssh\n' }] });
  await client.until('scratch clean', () => client.diagnostics.get(uri)?.length === 0);
  await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  await client.until('scratch cleared', () => client.diagnostics.get(uri)?.length === 0);
  seen.push(summary());
  assert.is(await client.stop(), 0);
  return seen;
}

const Threads = suite('diagnostics thread');
Threads('the worker and the main thread publish the same diagnostics', async () => {
  const worker = await session({}, 'a thread of their own');
  const main = await session({ FWC_LSP_THREADS: '1' }, 'the main thread');
  assert.equal(worker, main);
  assert.match(worker[1]!, 'scratch.fw: 2:FW201');
  assert.match(worker[0]!, 'policies/broken.fw: 4:FW101 5:FW301 7:FW201 9:FW100');
});
Threads.run();
