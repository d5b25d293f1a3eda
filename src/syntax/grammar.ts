/**
 * The grammar of record (grammar/fwc.ohm through ohm), loaded when first asked for. Most statements are
 * read by the recogniser (recognise.ts) and never reach ohm, whose start-up (its own grammar, then
 * ours) was a sixth of `fwc validate`'s time on a small file (bench/startup.ts).
 *
 * NOTE: the bundle (esbuild, CommonJS) turns the plain require() below into a module it initialises on
 * the first call; under tsx (tests, benches: ES modules, no require) the module is loaded through
 * createRequire, which tsx serves.
 */
import { createRequire } from 'node:module';
import type { FwcGrammar } from '../../grammar/fwc.ohm-bundle.js';

let loaded: FwcGrammar | undefined;

export function fwcGrammar(): FwcGrammar {
  if (!loaded) {
    const module = (typeof require === 'function' ? require('../../grammar/fwc.ohm-bundle.js') : createRequire(import.meta.url)('../../grammar/fwc.ohm-bundle.js')) as { default: FwcGrammar };
    loaded = module.default;
  }
  return loaded;
}
