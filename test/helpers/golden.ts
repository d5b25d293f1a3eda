/**
 * Golden files: compares text with a committed file. `UPDATE_GOLDEN=1 npm test` rewrites them (review
 * every hunk of `git diff test/fixtures` before committing); otherwise a mismatch fails and leaves the
 * new text beside the golden as `<file>.actual` (git-ignored).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as assert from 'uvu/assert';

export function assertGolden(actual: string, path: string): void {
  const update = process.env.UPDATE_GOLDEN === '1';
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    rmSync(`${path}.actual`, { force: true });
    return;
  }
  if (!existsSync(path)) {
    writeFileSync(`${path}.actual`, actual);
    assert.unreachable(`golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test and review it`);
    return;
  }
  const expected = readFileSync(path, 'utf8');
  if (expected !== actual) writeFileSync(`${path}.actual`, actual);
  else rmSync(`${path}.actual`, { force: true });
  assert.fixture(actual, expected, `golden ${path} differs (new text in ${path}.actual)`);
}
