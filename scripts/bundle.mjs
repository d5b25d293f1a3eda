// Bundles the CLI into dist/fwc.cjs (the parse worker into dist/parseWorker.cjs, the worker that compiles
// the old side of `fwc diff` into dist/buildWorker.cjs, and the language server,
// which only `fwc lsp` loads, into dist/lsp.cjs) with esbuild, then
// runs it once so that bin/fwc.js can save a V8 code cache beside it (dist/fwc.cjs.cache): with the cache,
// `fwc validate` starts in under twice the time of `node -e 0` (bench/startup.ts measures it).
//
// NOTE: CommonJS, not ESM, because only a classic script can be given a code cache on Node 20
// (vm.Script cachedData); ESM modules have no compile cache before Node 22.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { fwc: 'src/cli/entry.ts', parseWorker: 'src/pipeline/parseWorker.ts', buildWorker: 'src/pipeline/buildWorker.ts', lsp: 'src/lsp/main.ts' },
  define: {
    FWC_VERSION: JSON.stringify(JSON.parse(readFileSync(`${root}package.json`, 'utf8')).version),
    'import.meta.url': '__fwcUrl',
  },
  banner: { js: "const __fwcUrl = require('node:url').pathToFileURL(__filename).href;" },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});

// One run that compiles what validating needs; bin/fwc.js writes the cache when the process exits.
execFileSync(process.execPath, [`${root}bin/fwc.js`, 'validate', `${root}policies/shop.fw`], { stdio: 'ignore' });
