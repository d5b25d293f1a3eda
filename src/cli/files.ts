/**
 * Reading and writing user files safely. Reads take only regular files, up to a size limit: a FIFO,
 * a device (`/dev/zero`) or a socket given as a path is refused at once rather than read forever.
 * Writes go to a temporary file beside the target — created exclusively, with a random name, so that
 * nothing planted there in advance is written through — then renamed over it, so an interrupted fwc
 * never leaves a half-written file where a good one was.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';

/** How much one read takes (a large policy is read in a few). */
const READ_CHUNK = 1 << 20;

/** The largest policy file fwc reads (a generated policy of thousands of tags is a few MB). */
export const MAX_POLICY_BYTES = 32 * 1024 * 1024;
/** The largest saved plan fwc reads. */
export const MAX_PLAN_BYTES = 256 * 1024 * 1024;

/** Why a file was not read: a system error code (ENOENT, EACCES), or fwc's ENOTREG and ETOOBIG. */
export class FileReadError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** A regular file's text (UTF-8), refusing anything else and anything over `maxBytes`. */
export function readRegularFile(path: string, maxBytes: number): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one (it is refused just below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new FileReadError(code, code);
  }
  try {
    // The open file is the one checked: no window between a check and the read.
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new FileReadError('ENOTREG', `not a regular file (${stat.isDirectory() ? 'a folder' : stat.isFIFO() ? 'a pipe' : stat.isCharacterDevice() || stat.isBlockDevice() ? 'a device' : stat.isSocket() ? 'a socket' : 'not a file'})`);
    if (stat.size > maxBytes) throw new FileReadError('ETOOBIG', `larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, maxBytes + 1 - total));
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      total += n;
      // A file that grows while read (or lies about its size) stops at the limit too.
      if (total > maxBytes) throw new FileReadError('ETOOBIG', `larger than ${Math.round(maxBytes / 1024 / 1024)} MB`);
      chunks.push(buffer.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new FileReadError(code, code);
  } finally {
    closeSync(fd);
  }
}

/** A temporary name beside `path` that nobody can have guessed. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
}

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = tempPathFor(path);
  try {
    // 'wx': fails if the name exists; a planted symlink is never followed.
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
