/**
 * The public face of lsp/: the language server. Nothing in src/ imports it (it is the top layer and its
 * own bundle, dist/lsp.cjs, built from main.ts); tests start it from here.
 */
export { runLanguageServer } from './main.js';
export { startServer } from './server.js';
export type { ServerOptions, ServerSettings } from './server.js';
