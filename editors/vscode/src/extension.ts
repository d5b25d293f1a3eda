/**
 * The VS Code extension: starts `fwc lsp` (the language server in src/lsp/ of the repository) for .fw
 * files and connects VS Code's language client to it. Highlighting comes from syntaxes/ (TextMate);
 * everything else — diagnostics, hover, completion, rename, formatting, quick fixes — from the server.
 */
import { workspace, window, type ExtensionContext } from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const config = workspace.getConfiguration('fwc');
  const command = config.get<string>('path', 'fwc');
  const args = [...config.get<string[]>('args', []), 'lsp'];
  // TransportKind.stdio makes the client add `--stdio`, which `fwc lsp` accepts.
  const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'fwc' }, { scheme: 'untitled', language: 'fwc' }],
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*.fw') },
  };
  client = new LanguageClient('fwc', 'fwc', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    void window.showErrorMessage(`fwc: could not start \`${command} ${args.join(' ')}\`: ${String(error)}. Set fwc.path to the fwc command.`);
  }
  context.subscriptions.push({ dispose: () => void client?.stop() });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
