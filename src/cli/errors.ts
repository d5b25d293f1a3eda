/**
 * The errors a command may throw. Everything else that escapes a command is a bug in fwc and is reported
 * as an internal error with a "please report" line (see main.ts).
 */

/** The command line is wrong: unknown flag, missing argument. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The user's input or environment is wrong in a way a person can fix (a file that does not exist, a
 * token that is missing). The message says what, where and how to fix. Exit code 1 unless given.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
