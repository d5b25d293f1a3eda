/**
 * Turns the paths a user gives into policy files: files as they are, folders searched recursively for
 * `.fw` files (skipping dot-folders and node_modules), in a stable order. Paths stay as the user wrote
 * them, so messages and outputs show the same paths on every machine.
 */
import { readdirSync, statSync } from 'node:fs';
import { diagnostic, type Diagnostic, printable } from '../diagnostics/index.js';
import { FileReadError, MAX_POLICY_BYTES, readRegularFile } from './files.js';
import { join, relative, resolve } from 'node:path';
import { SourceFile } from '../source/index.js';

export interface PolicyInput {
  readonly files: SourceFile[];
  readonly diagnostics: Diagnostic[];
}

function walk(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, out);
    else if (entry.isFile() && entry.name.endsWith('.fw')) out.push(path);
  }
}

/** Lists the .fw files under `paths` (default: the current folder). */
export function listPolicyPaths(paths: readonly string[], cwd: string): { files: string[]; diagnostics: Diagnostic[] } {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const given of paths.length > 0 ? paths : ['.']) {
    const absolute = resolve(cwd, given);
    let stat;
    try {
      stat = statSync(absolute);
    } catch {
      diagnostics.push(diagnostic('unreadableFile', { message: `no such file or folder: ${printable(given)}`, path: given }));
      continue;
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      walk(absolute, found);
      if (found.length === 0) {
        diagnostics.push(
          diagnostic('unreadableFile', {
            message: `no .fw files in ${given}`,
            path: given,
            help: ['policy files end in `.fw`'],
          }),
        );
      }
      files.push(...found.map((f) => relative(cwd, f) || f));
    } else {
      files.push(given);
    }
  }
  return { files: [...new Set(files)], diagnostics };
}

/** Reads policy files; a file that cannot be read is a diagnostic, not a crash. */
export function readPolicies(paths: readonly string[], cwd: string): PolicyInput {
  const listed = listPolicyPaths(paths, cwd);
  const files: SourceFile[] = [];
  for (const path of listed.files) {
    try {
      // Only regular files, and not without bound: a FIFO or /dev/zero given as a path is refused.
      const text = readRegularFile(resolve(cwd, path), MAX_POLICY_BYTES);
      files.push(new SourceFile(path, text.startsWith('\uFEFF') ? text.slice(1) : text));
    } catch (error) {
      const why = error instanceof FileReadError ? error.detail : ((error as NodeJS.ErrnoException).code ?? 'error');
      listed.diagnostics.push(diagnostic('unreadableFile', { message: `cannot read ${printable(path)}: ${why}`, path }));
    }
  }
  return { files, diagnostics: listed.diagnostics };
}
