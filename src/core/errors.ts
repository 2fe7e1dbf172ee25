/** An error meant for the user: one sentence, printed without a stack trace. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** Exit code for a usage error (bad flag, bad argument), as in BSD sysexits' EX_USAGE spirit. */
export const EXIT_USAGE = 2;
/** Exit code when the program to run cannot be found, as a shell would. */
export const EXIT_NOT_FOUND = 127;
/** Exit code when the program exists but cannot be executed, as a shell would. */
export const EXIT_CANNOT_EXECUTE = 126;
