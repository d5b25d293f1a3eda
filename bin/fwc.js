#!/usr/bin/env node
// The fwc command. It runs the bundled, compiled CLI (npm run build), never TypeScript sources.
import '../dist/fwc.js';
