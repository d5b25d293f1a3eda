/**
 * Runs fwc's CLI in-process (fast, for most tests) or as the built program (for what only a real
 * process shows: exit codes, stdout/stderr separation, startup).
 */
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/fwc.js`;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string; isTTY?: boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from([options.stdin ?? '']) as unknown as NodeJS.ReadableStream & { isTTY?: boolean };
  stdin.isTTY = options.isTTY ?? false;
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.isTTY ?? false },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.isTTY ?? false },
    stdin,
    env: { NO_COLOR: '1', ...(options.env ?? {}) },
    cwd: options.cwd ?? ROOT,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** Runs the built CLI (bin/fwc.js, which needs `npm run build`). */
export function runBin(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string; timeout?: number } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...(options.env ?? {}) },
    input: options.stdin ?? '',
    encoding: 'utf8',
    timeout: options.timeout ?? 60_000,
    maxBuffer: 1 << 28,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
