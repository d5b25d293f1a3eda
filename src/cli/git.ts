/**
 * Reading policy files as they were at a git revision, for `fwc diff --base REF`: the files are listed
 * with `git ls-tree` and read with `git show`, so nothing in the working tree is touched.
 */
import { execFileSync } from 'node:child_process';
import { SourceFile } from '../source/index.js';
import { UserError } from './errors.js';

/** The largest output of one git command: a file at a revision may be as large as fwc reads (256 MB). */
const GIT_OUTPUT_MAX = 1 << 28;

function git(args: readonly string[], cwd: string): string {
  try {
    return execFileSync('git', [...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: GIT_OUTPUT_MAX });
  } catch (error) {
    const e = error as { code?: string; stderr?: string };
    if (e.code === 'ENOENT') throw new UserError('`fwc diff --base` needs git, which is not installed');
    throw new UserError(`git ${args[0]} failed: ${(e.stderr ?? String(error)).trim().split('\n')[0]}`);
  }
}

/** The .fw files under `paths` (default: the current folder) as they were at `ref`. */
export function readPoliciesAt(ref: string, paths: readonly string[], cwd: string): SourceFile[] {
  git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  const listed = git(['ls-tree', '-r', '--name-only', ref, '--', ...(paths.length > 0 ? paths : ['.'])], cwd)
    .split('\n')
    .filter((p) => p.endsWith('.fw'));
  // A path given as a file is that file (ls-tree lists it as such); paths are relative to cwd.
  return listed.sort().map((path) => new SourceFile(path, git(['show', `${ref}:./${path}`], cwd)));
}
