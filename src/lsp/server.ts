/**
 * The language server: wires the LSP requests to the jobs of this folder. Every handler runs inside
 * `guard`: whatever a handler throws (a bug, or input nothing foresaw) is logged to the client and the
 * request gets an empty answer; the server keeps running. Diagnostics are published for every policy file
 * of the workspace, a short while after the last keystroke (debounced), since a build judges all files.
 */
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type Diagnostic as LspDiagnostic,
  type InitializeResult,
  type Position,
  type Range,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BuildThread, type BuildReply } from './buildWorker.js';
import { codeActions } from './codeActions.js';
import { complete } from './completion.js';
import { toLspDiagnostics } from './diagnostics.js';
import { formatDocument } from './formatting.js';
import { hover } from './hover.js';
import { definition, prepareRename, references, rename } from './navigation.js';
import { SEMANTIC_LEGEND, semanticTokens } from './semanticTokens.js';
import { documentSymbols } from './symbols.js';
import { Workspace, type PolicyDocument } from './workspace.js';

export interface ServerSettings {
  /** Quiet time after a change before diagnostics are rebuilt and published (ms). */
  readonly debounceMs: number;
  /** The as-of date for expiry (tests pin it); default today (UTC). */
  readonly asOf?: string;
}

/**
 * Quiet time after a change before diagnostics are rebuilt, unless the client sets `debounceMs`: long
 * enough to let the keys of a word go by, short enough that the squiggles seem to follow the typing.
 */
const DEFAULT_DEBOUNCE_MS = 150;
/** Stack frames a logged bug shows: enough to find the failing step, not a screenful of the library's. */
const STACK_FRAMES_LOGGED = 7;

function settingsFrom(options: unknown): ServerSettings {
  const o = (options && typeof options === 'object' ? options : {}) as Record<string, unknown>;
  const debounce = typeof o.debounceMs === 'number' && o.debounceMs >= 0 ? o.debounceMs : DEFAULT_DEBOUNCE_MS;
  return { debounceMs: debounce, ...(typeof o.asOf === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(o.asOf) ? { asOf: o.asOf } : {}) };
}

function rootsFrom(params: { workspaceFolders?: { uri: string }[] | null; rootUri?: string | null; rootPath?: string | null }): string[] {
  const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  const roots = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  if (roots.length === 0 && params.rootPath) roots.push(params.rootPath);
  return roots;
}

export interface ServerOptions {
  /** The script of the diagnostics thread (the bundled server itself); without it the main thread builds. */
  readonly buildWorker?: URL;
}

/** What the server announces it can do. */
const CAPABILITIES: ServerCapabilities = {
  textDocumentSync: TextDocumentSyncKind.Incremental,
  hoverProvider: true,
  completionProvider: { triggerCharacters: [' ', ','] },
  definitionProvider: true,
  referencesProvider: true,
  renameProvider: { prepareProvider: true },
  documentFormattingProvider: true,
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  documentSymbolProvider: true,
  semanticTokensProvider: { legend: SEMANTIC_LEGEND, full: true },
};

/** Diagnostics of each file, with the text they were made from (for quick fixes). */
type Published = Map<string, { text: string | undefined; diagnostics: LspDiagnostic[] }>;

/** One group of handlers: registers them on the connection (or on the documents). */
type HandlerGroup = (server: Server, documents: TextDocuments<TextDocument>) => void;

/** The handlers, group by group, in the order they are registered. */
const HANDLER_GROUPS: readonly HandlerGroup[] = [onInitialize, onInitialized, onDocumentChanges, onLanguageFeatures];

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const server = new Server(connection, options);
  const documents = new TextDocuments(TextDocument);
  for (const register of HANDLER_GROUPS) register(server, documents);
  connection.onShutdown(() => server.thread?.stop());
  documents.listen(connection);
  connection.listen();
}

/** What the server holds between requests, and the steps its handlers share: guarding, debouncing and publishing. */
class Server {
  workspace = new Workspace([]);
  settings: ServerSettings = { debounceMs: DEFAULT_DEBOUNCE_MS };
  /** Whether the client lets the server register a watcher for policy files on disk. */
  watchFiles = false;
  /** The diagnostics thread, once started; null while the main thread builds. */
  thread: BuildThread | null = null;
  /** The diagnostics last published for each file. */
  private published: Published = new Map();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly connection: Connection,
    readonly options: ServerOptions,
  ) {}

  log(what: string, error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    const frames = (e.stack ?? '').split('\n').slice(1, 1 + STACK_FRAMES_LOGGED).join('\n');
    this.connection.console.error(`fwc lsp: ${what} failed: ${e.message}\n${frames}\nThis is a bug in fwc; please report it with the file that caused it.`);
  }

  /** Runs a handler; an error is logged and answered with `fallback`, so one bad request never stops the server. */
  guard<A extends unknown[], R>(what: string, fallback: R, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        this.log(what, error);
        return fallback;
      }
    };
  }

  /** A guarded handler of a request about one document; a document the workspace does not have gets `fallback`. */
  withDoc<R>(what: string, fallback: R, fn: (doc: PolicyDocument, params: never) => R) {
    return this.guard(what, fallback, (params: { textDocument: { uri: string } }) => {
      const doc = this.workspace.get(params.textDocument.uri);
      return doc ? fn(doc, params as never) : fallback;
    });
  }

  /** Publishes diagnostics once no change has come for the debounce time. */
  schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.publish();
    }, this.settings.debounceMs);
  }

  /** The diagnostics published for a document, if they were made from its current text. */
  currentDiagnostics(doc: PolicyDocument): LspDiagnostic[] {
    const entry = this.published.get(doc.uri);
    return entry && entry.text === doc.file.text ? entry.diagnostics : [];
  }

  /** Publishes what the diagnostics thread built from the texts it was sent. */
  readonly publishReply = this.guard('publishing diagnostics', undefined, (reply: BuildReply, texts: ReadonlyMap<string, string>) => {
    if (reply.error) {
      this.log('building diagnostics', new Error(reply.error));
      return;
    }
    this.sendAll(new Map(reply.diagnostics.map(({ uri, diagnostics }) => [uri, { text: texts.get(uri), diagnostics }])));
  });

  /** Builds on the thread while it works, else here. */
  private publish(): void {
    if (this.thread && !this.thread.failed) {
      this.thread.request(() => this.workspace.all().map((d) => ({ uri: d.uri, text: d.file.text, open: d.open })));
    } else {
      this.publishHere();
    }
  }

  private readonly publishHere = this.guard('publishing diagnostics', undefined, () => {
    const build = this.workspace.build();
    const uriOf = (path: string) => this.workspace.all().find((d) => d.file.path === path)?.uri;
    this.sendAll(new Map(this.workspace.all().map((doc) => [doc.uri, { text: doc.file.text, diagnostics: toLspDiagnostics(doc, build.byUri.get(doc.uri) ?? [], uriOf) }])));
  });

  /** Sends the diagnostics of every file of `next` whose list changed, and empty lists for files that are gone. */
  private sendAll(next: Published): void {
    for (const [uri, { diagnostics }] of next) {
      const before = this.published.get(uri);
      if (before && JSON.stringify(before.diagnostics) === JSON.stringify(diagnostics)) continue;
      void this.connection.sendDiagnostics({ uri, diagnostics });
    }
    for (const uri of this.published.keys()) if (!next.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    this.published = next;
  }
}

/** `initialize`: the settings, the workspace roots, and what the server can do. */
function onInitialize(s: Server): void {
  s.connection.onInitialize(
    s.guard('initialize', { capabilities: {} } as InitializeResult, (params) => {
      s.settings = settingsFrom(params.initializationOptions);
      const asOf = s.settings.asOf;
      s.workspace = new Workspace(rootsFrom(params), asOf ? () => asOf : undefined);
      s.watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
      const result: InitializeResult = {
        capabilities: CAPABILITIES,
        serverInfo: { name: 'fwc', version: typeof FWC_VERSION === 'string' ? FWC_VERSION : 'dev' },
      };
      return result;
    }),
  );
}

/** `initialized`: the diagnostics thread, the first scan of the workspace and its diagnostics, the file watcher. */
function onInitialized(s: Server): void {
  s.connection.onInitialized(
    s.guard('initialized', undefined, () => {
      startBuildThread(s);
      s.workspace.scan();
      s.connection.console.log(`fwc lsp: ${s.workspace.all().length} policy files; diagnostics built on ${s.thread ? 'a thread of their own' : 'the main thread'}`);
      s.schedule();
      if (s.watchFiles) void s.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.fw' }] });
    }),
  );
}

/** Builds diagnostics on a thread of their own, unless there is no worker script or FWC_LSP_THREADS=1; failing that, here. */
function startBuildThread(s: Server): void {
  if (!s.options.buildWorker || process.env.FWC_LSP_THREADS === '1') return;
  try {
    s.thread = new BuildThread(s.options.buildWorker, { roots: s.workspace.roots, asOf: s.settings.asOf }, s.publishReply, (error) => {
      s.log('the diagnostics thread', error);
      // From now on the main thread builds.
      s.schedule();
    });
  } catch (error) {
    s.log('starting the diagnostics thread', error);
  }
}

/** Edits, closes and changes on disk: the workspace follows, and diagnostics are rebuilt after a pause. */
function onDocumentChanges(s: Server, documents: TextDocuments<TextDocument>): void {
  documents.onDidChangeContent(
    s.guard('change', undefined, (event) => {
      s.workspace.update(event.document.uri, event.document.getText());
      s.schedule();
    }),
  );
  documents.onDidClose(
    s.guard('close', undefined, (event) => {
      s.workspace.close(event.document.uri);
      s.schedule();
    }),
  );
  s.connection.onDidChangeWatchedFiles(
    s.guard('watched files', undefined, (params) => {
      for (const change of params.changes) {
        if (change.uri.startsWith('file:')) s.workspace.changedOnDisk(change.uri, change.type === FileChangeType.Deleted);
      }
      s.schedule();
    }),
  );
}

type At = { position: Position };

/** The requests about one document, each answered by the job of its own file. */
function onLanguageFeatures(s: Server): void {
  const c = s.connection;
  c.onHover(s.withDoc('hover', null, (doc, p: At) => hover(s.workspace, doc, p.position, s.currentDiagnostics(doc))));
  c.onCompletion(s.withDoc('completion', [], (doc, p: At) => complete(doc, p.position)));
  c.onDefinition(s.withDoc('definition', [], (doc, p: At) => definition(doc, p.position)));
  c.onReferences(s.withDoc('references', [], (doc, p: At & { context: { includeDeclaration: boolean } }) => references(s.workspace, doc, p.position, p.context.includeDeclaration)));
  c.onPrepareRename(s.withDoc('prepare rename', null, (doc, p: At) => prepareRename(doc, p.position)));
  c.onRenameRequest(s.withDoc('rename', null, (doc, p: At & { newName: string }) => rename(s.workspace, doc, p.position, p.newName)));
  c.onDocumentFormatting(s.withDoc('formatting', null, (doc) => formatDocument(doc)));
  c.onCodeAction(s.withDoc('code action', [], (doc, p: { range: Range }) => codeActions(doc, s.currentDiagnostics(doc), p.range)));
  c.onDocumentSymbol(s.withDoc('document symbols', [], (doc) => documentSymbols(doc)));
  c.languages.semanticTokens.on(s.withDoc('semantic tokens', { data: [] }, (doc) => semanticTokens(doc)));
}

declare const FWC_VERSION: string | undefined;
