/**
 * `fwc lsp`: the language server for editors (Language Server Protocol over stdio). The server's code
 * is a bundle of its own (dist/lsp.cjs, from src/lsp/main.ts), loaded only here, so that no other
 * command starts slower for it.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { CommandSpec, ParsedArgs } from '../args.js';
import type { Io } from '../io.js';
import { bundled } from '../bundled.js';

export const spec: CommandSpec = {
  name: 'lsp',
  usage: 'fwc lsp [--stdio]',
  summary: 'Run the language server for editors (LSP over standard input and output).',
  description:
    'Editors start this command themselves: VS Code through the fwc extension (editors/vscode), Neovim with\n' +
    'vim.lsp.start (see the README). Diagnostics, hover, completion, go to definition, references, rename,\n' +
    'formatting (as `fwc fmt`), quick fixes, outline and semantic highlighting, over every .fw file of the\n' +
    'workspace folder. Errors inside the server are logged to the editor; the server keeps running.',
  options: {
    stdio: { type: 'boolean', description: 'talk over standard input and output (the default and only transport)' },
    clientProcessId: { type: 'string', value: 'PID', description: 'accepted for editors that pass it; unused' },
  },
  exitCodes: '0  the editor asked the server to shut down and exit, or closed its input\n1  the editor sent exit without asking to shut down first',
};

type LspMain = typeof import('../../lsp/main.js');

async function loadServer(): Promise<LspMain> {
  // The bundled CLI says where the bundled server is (src/cli/entry.ts); under tsx (tests) there is none.
  const server = bundled.lspServer;
  if (server) return createRequire(import.meta.url)(fileURLToPath(server)) as LspMain;
  // A path in a variable, so that esbuild leaves the server out of the CLI's bundle.
  const source = '../../lsp/main.js';
  return (await import(source)) as LspMain;
}

export async function run(_args: ParsedArgs, io: Io): Promise<number> {
  const server = await loadServer();
  // The protocol needs a real stream to write to: the process's stdout (which io.stdout is when run as fwc).
  const output = typeof (io.stdout as Partial<NodeJS.WritableStream>).on === 'function' ? (io.stdout as NodeJS.WritableStream) : process.stdout;
  return server.runLanguageServer(io.stdin, output, bundled.lspServer);
}
