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

const DEFAULT_DEBOUNCE_MS = 150;

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

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  let workspace = new Workspace([]);
  let settings: ServerSettings = { debounceMs: DEFAULT_DEBOUNCE_MS };
  let timer: NodeJS.Timeout | undefined;
  /** The diagnostics last published for each file, with the text they were made from (for quick fixes). */
  let published = new Map<string, { text: string | undefined; diagnostics: LspDiagnostic[] }>();
  let watchFiles = false;
  let thread: BuildThread | null = null;

  const log = (what: string, error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    connection.console.error(`fwc lsp: ${what} failed: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 8).join('\n')}\nThis is a bug in fwc; please report it with the file that caused it.`);
  };

  /** Runs a handler; an error is logged and answered with `fallback`, so one bad request never stops the server. */
  function guard<A extends unknown[], R>(what: string, fallback: R, fn: (...args: A) => R): (...args: A) => R {
    return (...args: A) => {
      try {
        return fn(...args);
      } catch (error) {
        if (error instanceof ResponseError) throw error;
        log(what, error);
        return fallback;
      }
    };
  }

  const withDoc = <R>(what: string, fallback: R, fn: (doc: PolicyDocument, params: never) => R) =>
    guard(what, fallback, (params: { textDocument: { uri: string } }) => {
      const doc = workspace.get(params.textDocument.uri);
      return doc ? fn(doc, params as never) : fallback;
    });

  const uriOf = (path: string) => workspace.all().find((d) => d.file.path === path)?.uri;

  /** Sends the diagnostics of every file of `next` whose list changed, and empty lists for files that are gone. */
  function sendAll(next: Map<string, { text: string | undefined; diagnostics: LspDiagnostic[] }>): void {
    for (const [uri, { diagnostics }] of next) {
      const before = published.get(uri);
      if (before && JSON.stringify(before.diagnostics) === JSON.stringify(diagnostics)) continue;
      void connection.sendDiagnostics({ uri, diagnostics });
    }
    for (const uri of published.keys()) if (!next.has(uri)) void connection.sendDiagnostics({ uri, diagnostics: [] });
    published = next;
  }

  const publishReply = guard('publishing diagnostics', undefined, (reply: BuildReply, texts: ReadonlyMap<string, string>) => {
    if (reply.error) {
      log('building diagnostics', new Error(reply.error));
      return;
    }
    sendAll(new Map(reply.diagnostics.map(({ uri, diagnostics }) => [uri, { text: texts.get(uri), diagnostics }])));
  });

  const publishHere = guard('publishing diagnostics', undefined, () => {
    const build = workspace.build();
    sendAll(new Map(workspace.all().map((doc) => [doc.uri, { text: doc.file.text, diagnostics: toLspDiagnostics(doc, build.byUri.get(doc.uri) ?? [], uriOf) }])));
  });

  function publish(): void {
    if (thread && !thread.failed) {
      thread.request(() => workspace.all().map((d) => ({ uri: d.uri, text: d.file.text, open: d.open })));
    } else {
      publishHere();
    }
  }

  function schedule(): void {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      publish();
    }, settings.debounceMs);
  }

  connection.onInitialize(
    guard('initialize', { capabilities: {} } as InitializeResult, (params) => {
      settings = settingsFrom(params.initializationOptions);
      const asOf = settings.asOf;
      workspace = new Workspace(rootsFrom(params), asOf ? () => asOf : undefined);
      watchFiles = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
      const result: InitializeResult = {
        capabilities: {
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
        },
        serverInfo: { name: 'fwc', version: typeof FWC_VERSION === 'string' ? FWC_VERSION : 'dev' },
      };
      return result;
    }),
  );

  connection.onInitialized(
    guard('initialized', undefined, () => {
      if (options.buildWorker && process.env.FWC_LSP_THREADS !== '1') {
        try {
          thread = new BuildThread(options.buildWorker, { roots: workspace.roots, asOf: settings.asOf }, publishReply, (error) => {
            log('the diagnostics thread', error);
            // From now on the main thread builds.
            schedule();
          });
        } catch (error) {
          log('starting the diagnostics thread', error);
        }
      }
      workspace.scan();
      connection.console.log(`fwc lsp: ${workspace.all().length} policy files; diagnostics built on ${thread ? 'a thread of their own' : 'the main thread'}`);
      schedule();
      if (watchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.fw' }] });
    }),
  );

  documents.onDidChangeContent(
    guard('change', undefined, (event) => {
      workspace.update(event.document.uri, event.document.getText());
      schedule();
    }),
  );
  documents.onDidClose(
    guard('close', undefined, (event) => {
      workspace.close(event.document.uri);
      schedule();
    }),
  );
  connection.onDidChangeWatchedFiles(
    guard('watched files', undefined, (params) => {
      for (const change of params.changes) {
        if (change.uri.startsWith('file:')) workspace.changedOnDisk(change.uri, change.type === FileChangeType.Deleted);
      }
      schedule();
    }),
  );

  /** The diagnostics published for a document, if they were made from its current text. */
  const currentDiagnostics = (doc: PolicyDocument) => {
    const entry = published.get(doc.uri);
    return entry && entry.text === doc.file.text ? entry.diagnostics : [];
  };
  connection.onHover(withDoc('hover', null, (doc, p: { position: { line: number; character: number } }) => hover(workspace, doc, p.position, currentDiagnostics(doc))));
  connection.onCompletion(withDoc('completion', [], (doc, p: { position: { line: number; character: number } }) => complete(doc, p.position)));
  connection.onDefinition(withDoc('definition', [], (doc, p: { position: { line: number; character: number } }) => definition(doc, p.position)));
  connection.onReferences(
    withDoc('references', [], (doc, p: { position: { line: number; character: number }; context: { includeDeclaration: boolean } }) =>
      references(workspace, doc, p.position, p.context.includeDeclaration),
    ),
  );
  connection.onPrepareRename(withDoc('prepare rename', null, (doc, p: { position: { line: number; character: number } }) => prepareRename(doc, p.position)));
  connection.onRenameRequest(
    withDoc('rename', null, (doc, p: { position: { line: number; character: number }; newName: string }) => rename(workspace, doc, p.position, p.newName)),
  );
  connection.onDocumentFormatting(withDoc('formatting', null, (doc) => formatDocument(doc)));
  connection.onCodeAction(
    withDoc('code action', [], (doc, p: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }) =>
      codeActions(doc, currentDiagnostics(doc), p.range),
    ),
  );
  connection.onDocumentSymbol(withDoc('document symbols', [], (doc) => documentSymbols(doc)));
  connection.languages.semanticTokens.on(withDoc('semantic tokens', { data: [] }, (doc) => semanticTokens(doc)));

  connection.onShutdown(() => thread?.stop());
  documents.listen(connection);
  connection.listen();
}

declare const FWC_VERSION: string | undefined;
