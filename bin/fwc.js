#!/usr/bin/env node
// The fwc command. It runs the bundled CLI (dist/fwc.cjs, made by `npm run build`), never TypeScript
// sources, through a V8 code cache (dist/fwc.cjs.cache) so that it starts about as fast as Node itself
// (bench/startup.ts). The cache is written at build time; if this Node rejects it (another version),
// it is written again when the command ends, or skipped where the install is read-only.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, '..', 'dist', 'fwc.cjs');
const cacheFile = `${file}.cache`;
let source;
try {
  source = readFileSync(file, 'utf8');
} catch {
  process.stderr.write('error: fwc is not built yet\n  = help: run `npm run build` (npm ci does it too)\n');
  process.exit(1);
}
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache yet: compile from source, and write one when the command ends.
}
const script = new Script(Module.wrap(source), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected) {
  process.on('exit', () => {
    try {
      const temp = `${cacheFile}.${process.pid}.tmp`;
      writeFileSync(temp, script.createCachedData());
      renameSync(temp, cacheFile);
    } catch {
      // A read-only install keeps working, only without the cache.
    }
  });
}
const bundle = { exports: {} };
script.runInThisContext().call(bundle.exports, bundle.exports, Module.createRequire(file), bundle, file, dirname(file));
