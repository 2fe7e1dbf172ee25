import { UserError } from "../core/errors.ts";

/** Exit code for a recording that cannot be read: the input, not the command line, is wrong. */
const EXIT_BAD_CAST = 1;

/**
 * A recording that cannot be read. The message names the line and says why, e.g.
 * `Cannot read cast "demo.cast": line 7: expected an array of [time, code, data]`.
 */
export class CastParseError extends UserError {
  /** 1-based line number, when the problem is on a line. */
  readonly line?: number;
  /** The message without the "Cannot read cast ...:" prefix. */
  readonly reason: string;

  constructor(reason: string, options: { line?: number; source?: string } = {}) {
    const what = options.source === undefined ? "cast" : `cast ${JSON.stringify(options.source)}`;
    const where = options.line === undefined ? "" : `line ${options.line}: `;
    super(`Cannot read ${what}: ${where}${reason}`, EXIT_BAD_CAST);
    this.name = "CastParseError";
    this.line = options.line;
    this.reason = reason;
  }
}
