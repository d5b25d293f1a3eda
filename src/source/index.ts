/**
 * The public face of source/: a file's text, spans, lines and columns.
 * Other folders import from here, never from the files inside (test/architecture.test.ts).
 */
export { SourceFile } from './sourceFile.js';
export type { Span } from './span.js';
