/**
 * A language client for the tests: the built `fwc lsp` as a child process, driven through
 * vscode-languageserver-protocol's JSON-RPC connection (the library VS Code's own client is made of).
 * It records every diagnostics notification and every message the server logs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { BIN, ROOT } from '../helpers/cli.js';

export const FIXTURE = join(ROOT, 'test', 'fixtures', 'lsp', 'workspace');

/** A copy of the fixture workspace in a scratch folder (tests may write to it), removed at exit. */
export function copyWorkspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwc-lsp-'));
  cpSync(FIXTURE, dir, { recursive: true });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function uriOf(path: string): string {
  return pathToFileURL(path).href;
}

export class TestClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly logs: string[] = [];
  private waiters: (() => void)[] = [];
  readonly exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly root: string,
  ) {
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      this.notify();
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
      this.notify();
    });
    // The server registers a file watcher: accept it as VS Code would.
    connection.onRequest('client/registerCapability', () => null);
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Starts `fwc lsp --stdio` in `root` and initializes it. */
  static async start(
    root: string,
    initializationOptions: Record<string, unknown> = { debounceMs: 10, asOf: '2026-11-24' },
    env: Record<string, string> = {},
  ): Promise<{ client: TestClient; init: InitializeResult }> {
    const child = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    child.stderr!.on('data', (d) => process.stderr.write(`[fwc lsp stderr] ${d}`));
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    connection.listen();
    const client = new TestClient(child, connection, root);
    const init = await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: 'fixture' }],
      capabilities: { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } },
      initializationOptions,
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, init };
  }

  /** Waits until `predicate` holds (checked after every notification); fails after `ms`. */
  async until<T>(what: string, predicate: () => T | undefined | false, ms = 20_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  diagnosticsOf(path: string): Diagnostic[] | undefined {
    return this.diagnostics.get(uriOf(join(this.root, path)));
  }

  async stop(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    const code = await this.exited;
    this.connection.dispose();
    return code;
  }
}
