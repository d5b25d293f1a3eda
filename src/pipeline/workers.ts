/**
 * Where the bundled workers are. The CLI's entry says so when it starts (cli/entry.ts); without that —
 * under tsx, in tests and benches, where a worker would spend seconds compiling TypeScript — everything
 * runs on the main thread, with the same results. The switches that force a number of threads
 * (FWC_PARSE_THREADS, FWC_BUILD_THREADS) are read where a thread would start (parallelMatch.ts,
 * buildThread.ts), since only the pipeline starts threads.
 */
export interface WorkerFiles {
  /** Matches half of a large file's statements (parallelMatch.ts). */
  readonly parse?: URL;
  /** Builds a large version for its diagnostics (buildThread.ts). */
  readonly build?: URL;
}

let files: WorkerFiles = {};

export function useWorkers(given: WorkerFiles): void {
  files = { ...given };
}

export function workerFile(kind: keyof WorkerFiles): URL | undefined {
  return files[kind];
}
