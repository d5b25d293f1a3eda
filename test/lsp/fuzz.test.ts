// No input makes a job of the language server throw: generated policies, mutated at random (broken
// statements, stray quotes, commas and control characters, deleted spans), with every request asked at
// random positions (in and past the text). The server's guard would log such a throw; here it fails.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { codeActions } from '../../src/lsp/codeActions.js';
import { complete } from '../../src/lsp/completion.js';
import { toLspDiagnostics } from '../../src/lsp/diagnostics.js';
import { formatDocument } from '../../src/lsp/formatting.js';
import { hover } from '../../src/lsp/hover.js';
import { definition, prepareRename, references, rename } from '../../src/lsp/navigation.js';
import { semanticTokens } from '../../src/lsp/semanticTokens.js';
import { documentSymbols } from '../../src/lsp/symbols.js';
import { Workspace } from '../../src/lsp/workspace.js';
import { generatePolicy, rng } from '../helpers/generatePolicy.js';

const RUNS = Number(process.env.FWC_PROPERTY_RUNS ?? 60);
const PIECES = ['"', ',', '\n', '#', ' on ', ' may reach ', 'must not', '=', '::', '/', '-', '\u0000', '\uffff', '\t', 'é', '"on"', 'until 2026-02-30', 'droplet ', 'database "x"', '65536', '0', 'group g = g', 'tags on'];

const Fuzz = suite('fuzz');
Fuzz('every job answers on mutated policies at any position', () => {
  const random = rng(11);
  const int = (n: number) => Math.floor(random() * n);
  for (let run = 0; run < RUNS; run++) {
    let text = generatePolicy(run, { statements: 20 + int(30), tags: 3 + int(6), resources: true, expiry: true, guardrails: 0.2, restricted: 0.3 });
    for (let m = int(8); m > 0; m--) {
      const at = int(text.length + 1);
      text = text.slice(0, at) + (random() < 0.7 ? PIECES[int(PIECES.length)] : '') + text.slice(at + (random() < 0.4 ? int(12) : 0));
    }
    const ws = new Workspace([], () => '2026-11-24');
    const uri = `file:///fuzz/p${run}.fw`;
    const doc = ws.update(uri, text);
    ws.update('file:///fuzz/other.fw', 'tags t1, t2\nt1 may reach t2 on ssh\n');
    const build = ws.build();
    const published = toLspDiagnostics(doc, build.byUri.get(uri) ?? [], () => undefined);
    const lines = text.split('\n').length;
    try {
      semanticTokens(doc);
      documentSymbols(doc);
      formatDocument(doc);
      for (let q = 0; q < 25; q++) {
        const position = { line: int(lines + 2), character: int(90) };
        complete(doc, position);
        hover(ws, doc, position, published);
        definition(doc, position);
        references(ws, doc, position, true);
        prepareRename(doc, position);
        try {
          rename(ws, doc, position, random() < 0.5 ? 'renamed' : 'a b');
        } catch (e) {
          // An invalid new name is refused with a message (a ResponseError), nothing else.
          assert.match(String((e as Error).message), 'is not a valid name');
        }
        codeActions(doc, published, { start: position, end: { line: position.line + int(3), character: int(40) } });
      }
    } catch (e) {
      throw new Error(`run ${run}: ${(e as Error).stack}\n--- text ---\n${text}`);
    }
  }
});
Fuzz.run();
