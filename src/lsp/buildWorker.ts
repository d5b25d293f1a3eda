/**
 * Diagnostics on a thread of their own. Building the workspace (check, compile and the analyses of every
 * file: ~115 ms for a 1,000-statement policy, bench/lsp.ts) would otherwise hold up the keystroke,
 * completion or hover that arrives meanwhile. The main thread hands this thread the texts that changed
 * since the last build; it builds its own copy of the workspace and answers with the LSP diagnostics of
 * every file. Only the answer to the latest request is published; requests made while one is being built
 * are joined into one.
 *
 * Where no worker can run (under tsx, or FWC_LSP_THREADS=1), the main thread builds (server.ts).
 */
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver';
import { toLspDiagnostics } from './diagnostics.js';
import { Workspace, today } from './workspace.js';

interface FileText {
  readonly uri: string;
  /** null: the file is gone. */
  readonly text: string | null;
  readonly open: boolean;
}

interface BuildRequest {
  readonly generation: number;
  readonly files: readonly FileText[];
}

export interface BuildReply {
  readonly generation: number;
  readonly diagnostics: readonly { readonly uri: string; readonly diagnostics: LspDiagnostic[] }[];
  readonly error?: string;
}

export interface WorkerSetup {
  readonly fwcLspBuildWorker: true;
  readonly roots: readonly string[];
  readonly asOf: string | undefined;
}

/** The worker's side: build what the main thread sends, answer with diagnostics. */
function serveBuilds(setup: WorkerSetup): void {
  const ws = new Workspace(setup.roots, setup.asOf ? () => setup.asOf! : today);
  parentPort!.on('message', (request: BuildRequest) => {
    try {
      for (const f of request.files) {
        if (f.text === null) ws.remove(f.uri);
        else ws.load(f.uri, f.text, f.open);
      }
      const build = ws.build();
      const uriOf = (path: string) => ws.all().find((d) => d.file.path === path)?.uri;
      const diagnostics = ws.all().map((doc) => ({ uri: doc.uri, diagnostics: toLspDiagnostics(doc, build.byUri.get(doc.uri) ?? [], uriOf) }));
      parentPort!.postMessage({ generation: request.generation, diagnostics } satisfies BuildReply);
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      parentPort!.postMessage({ generation: request.generation, diagnostics: [], error: `${e.message}\n${e.stack ?? ''}` } satisfies BuildReply);
    }
  });
}

if (parentPort && (workerData as Partial<WorkerSetup> | undefined)?.fwcLspBuildWorker) serveBuilds(workerData as WorkerSetup);

/** The main thread's side. */
export class BuildThread {
  private readonly worker: Worker;
  private readonly sent = new Map<string, { text: string; open: boolean }>();
  private generation = 0;
  private inFlight = false;
  private pending: (() => FileText[] | null) | null = null;
  failed = false;

  constructor(
    script: URL,
    setup: Omit<WorkerSetup, 'fwcLspBuildWorker'>,
    /** `texts`: what each file's text was in the request answered (the diagnostics' offsets refer to it). */
    private readonly onReply: (reply: BuildReply, texts: ReadonlyMap<string, string>) => void,
    private readonly onFailure: (error: unknown) => void,
  ) {
    this.worker = new Worker(script, { workerData: { fwcLspBuildWorker: true, ...setup } satisfies WorkerSetup });
    this.worker.unref();
    this.worker.on('message', (reply: BuildReply) => {
      this.inFlight = false;
      if (reply.generation === this.generation) this.onReply(reply, new Map([...this.sent].map(([uri, f]) => [uri, f.text])));
      const next = this.pending;
      this.pending = null;
      if (next) this.request(next);
    });
    const fail = (error: unknown) => {
      if (this.failed) return;
      this.failed = true;
      this.onFailure(error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`the diagnostics thread exited (${code})`)));
  }

  /** Asks for a build of the current texts (`current` is read when the request is actually sent). */
  request(current: () => FileText[] | null): void {
    if (this.failed) return;
    if (this.inFlight) {
      this.pending = current;
      return;
    }
    const files = current();
    if (!files) return;
    const changes: FileText[] = [];
    const now = new Set<string>();
    for (const f of files) {
      now.add(f.uri);
      const before = this.sent.get(f.uri);
      if (before && before.text === f.text && before.open === f.open) continue;
      changes.push(f);
      this.sent.set(f.uri, { text: f.text!, open: f.open });
    }
    for (const uri of [...this.sent.keys()]) {
      if (now.has(uri)) continue;
      changes.push({ uri, text: null, open: false });
      this.sent.delete(uri);
    }
    this.inFlight = true;
    this.worker.postMessage({ generation: ++this.generation, files: changes } satisfies BuildRequest);
  }

  stop(): void {
    void this.worker.terminate();
  }
}
