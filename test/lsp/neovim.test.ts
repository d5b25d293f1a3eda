// End to end in a real editor: headless Neovim (Debian's `neovim` package) opens a policy, starts the built
// `fwc lsp` through its built-in LSP client, and this test reads back the diagnostics Neovim holds and a
// hover (test/lsp/neovim.lua does the editor's part).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BIN, ROOT } from '../helpers/cli.js';
import { copyWorkspace } from './client.js';

const Nvim = suite('neovim');
Nvim('diagnostics and hover through Neovim built-in LSP client', () => {
  const version = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  assert.is(version.status, 0, 'nvim must be installed (apt-get install neovim; .ci/run does it)');
  const root = copyWorkspace();
  const out = join(root, 'nvim-result.json');
  const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', join(root, 'policies', 'broken.fw'), '-c', `luafile ${join(ROOT, 'test', 'lsp', 'neovim.lua')}`], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, FWC_NVIM_OUT: out, FWC_NVIM_ROOT: root, FWC_NVIM_NODE: process.execPath, FWC_NVIM_BIN: BIN },
  });
  let result: { client: boolean; waited: boolean; diagnostics: { lnum: number; col: number; message: string; code?: string }[]; hover?: string; errors: string[] };
  try {
    result = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    throw new Error(`neovim wrote no result (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
  assert.equal(result.errors, []);
  assert.ok(result.client, 'client started');
  assert.ok(result.waited, 'diagnostics arrived');
  const lines = result.diagnostics.map((d) => `${d.lnum + 1}:${d.col + 1} ${d.message.split('\n')[0]}`).sort();
  assert.equal(lines, [
    '4:15 `on` is a reserved keyword, so it cannot be a bare name',
    '5:17 `10.0.0.5/8` has host bits set below its /8 prefix',
    '7:15 unknown name `dbb`',
    '9:20 expected a service (a port, `tcp`, `udp`, `icmp`, `all` or a service name)',
  ]);
  assert.ok(result.diagnostics.some((d) => d.message.includes('help: did you mean `db` or `web`?')));
  assert.match(result.hover ?? '', '**FW201** unknown-name: a name is not declared');
});
Nvim.run();
