// Bundles the CLI into dist/ with esbuild: one small entry chunk plus one chunk per command, loaded on
// demand, so `fwc validate` loads only what validating needs (startup is measured in bench/startup.mjs).
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { fwc: 'src/cli/entry.ts', parseWorker: 'src/syntax/parseWorker.ts' },
  define: { FWC_VERSION: JSON.stringify(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version) },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  legalComments: 'none',
  chunkNames: 'chunks/[name]-[hash]',
  // NOTE: yaml and ajv are CommonJS inside; an ESM bundle needs a real `require` for their Node built-ins.
  banner: { js: "import { createRequire as __fwcRequire } from 'node:module'; const require = __fwcRequire(import.meta.url);" },
  logLevel: 'warning',
});
