/**
 * One line of asciicast v2 or v3 at a time → header, then events with absolute times. Shared by
 * `parseCast` (a whole string) and `readCastEvents` (a byte stream), so both accept and reject
 * exactly the same files.
 */
import { CastParseError } from "./errors.ts";
import type { CastEvent, CastHeader } from "./types.ts";

/** How a value looks in an error message: JSON, cut short so a huge line stays readable. */
function quote(value: unknown): string {
  const text = value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export class CastLineDecoder {
  #source: string | undefined;
  #header: CastHeader | null = null;
  #lineNumber = 0;
  #micros = 0;
  #truncatedTail = false;

  constructor(source?: string) {
    this.#source = source;
  }

  /** The header, once the first line has been read. */
  get header(): CastHeader | null {
    return this.#header;
  }

  /** True when the last line was cut off mid-way (a recorder killed while writing) and skipped. */
  get truncatedTail(): boolean {
    return this.#truncatedTail;
  }

  /**
   * Reads the next line (without its "\n"). `terminated` is false only for a final line that
   * had no "\n": such a line may be cut off, so unparsable JSON there is tolerated.
   * Returns the event on the line, or null for the header, blank lines and comments.
   */
  line(text: string, terminated: boolean): CastEvent | null {
    const lineNumber = ++this.#lineNumber;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (this.#header === null) {
      // Editors on some systems start a text file with a byte order mark.
      if (text.startsWith("\ufeff")) text = text.slice(1);
      this.#header = this.#readHeader(text, terminated);
      return null;
    }
    if (text.trim() === "") return null;
    if (this.#header.version === 3 && text.startsWith("#")) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      if (!terminated) {
        this.#truncatedTail = true;
        return null;
      }
      throw this.#error("not valid JSON", lineNumber);
    }
    return this.#readEvent(value, lineNumber);
  }

  /** Checks the input had a header; call after the last line. */
  end(): CastHeader {
    if (this.#header === null) throw new CastParseError("the file is empty", this.#where());
    return this.#header;
  }

  #where(line?: number): { line?: number; source?: string } {
    return { line, source: this.#source };
  }

  #error(reason: string, line: number): CastParseError {
    return new CastParseError(reason, this.#where(line));
  }

  #readHeader(text: string, terminated: boolean): CastHeader {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const reason = terminated || text.trim() === ""
        ? "expected a JSON header object"
        : "the header is cut off";
      throw this.#error(reason, 1);
    }
    if (!isObject(value)) throw this.#error("expected a JSON header object", 1);
    const version = value.version;
    if (version === undefined) throw this.#error('the header has no "version"', 1);
    if (version !== 2 && version !== 3) {
      throw this.#error(`unsupported asciicast version ${quote(version)} (expected 2 or 3)`, 1);
    }
    const header: CastHeader = version === 3
      ? this.#readV3Size(value)
      : { version: 2, cols: this.#positive(value, "width"), rows: this.#positive(value, "height") };
    const timestamp = this.#optional(value, "timestamp", "number");
    if (timestamp !== undefined) header.timestamp = timestamp;
    const idleTimeLimit = this.#optional(value, "idle_time_limit", "number");
    if (idleTimeLimit !== undefined) header.idleTimeLimit = idleTimeLimit;
    const command = this.#optional(value, "command", "string");
    if (command !== undefined) header.command = command;
    const title = this.#optional(value, "title", "string");
    if (title !== undefined) header.title = title;
    const env = this.#readEnv(value.env);
    if (env !== undefined) header.env = env;
    if (version === 2 && env?.TERM !== undefined) header.termType = env.TERM;
    return header;
  }

  #readV3Size(value: Record<string, unknown>): CastHeader {
    const term = value.term;
    if (!isObject(term)) {
      throw this.#error(`expected "term" to be an object, got ${quote(term)}`, 1);
    }
    const header: CastHeader = {
      version: 3,
      cols: this.#positive(term, "cols", "term."),
      rows: this.#positive(term, "rows", "term."),
    };
    const type = this.#optional(term, "type", "string", "term.");
    if (type !== undefined) header.termType = type;
    return header;
  }

  #positive(object: Record<string, unknown>, key: string, prefix = ""): number {
    const value = object[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw this.#error(
        `expected "${prefix}${key}" to be a positive integer, got ${quote(value)}`,
        1,
      );
    }
    return value;
  }

  #optional(
    object: Record<string, unknown>,
    key: string,
    type: "number",
    prefix?: string,
  ): number | undefined;
  #optional(
    object: Record<string, unknown>,
    key: string,
    type: "string",
    prefix?: string,
  ): string | undefined;
  #optional(
    object: Record<string, unknown>,
    key: string,
    type: "number" | "string",
    prefix = "",
  ): number | string | undefined {
    const value = object[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== type || (type === "number" && !Number.isFinite(value))) {
      throw this.#error(`expected "${prefix}${key}" to be a ${type}, got ${quote(value)}`, 1);
    }
    return value as number | string;
  }

  #readEnv(value: unknown): Record<string, string> | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      throw this.#error(`expected "env" to be an object, got ${quote(value)}`, 1);
    }
    const env: Record<string, string> = {};
    for (const [name, setting] of Object.entries(value)) {
      // asciinema writes null for a variable that was not set: it simply has no value here.
      if (setting === null) continue;
      if (typeof setting !== "string") {
        throw this.#error(`expected "env.${name}" to be a string, got ${quote(setting)}`, 1);
      }
      env[name] = setting;
    }
    return env;
  }

  #readEvent(value: unknown, line: number): CastEvent {
    if (!Array.isArray(value) || value.length < 3) {
      throw this.#error("expected an array of [time, code, data]", line);
    }
    const [time, code, data] = value;
    const v3 = this.#header!.version === 3;
    if (typeof time !== "number" || !Number.isFinite(time) || time < 0) {
      const what = v3 ? "an interval" : "a time";
      throw this.#error(`expected ${what} of at least 0 seconds, got ${quote(time)}`, line);
    }
    if (typeof code !== "string" || code === "") {
      throw this.#error(
        `expected the event code to be a non-empty string, got ${quote(code)}`,
        line,
      );
    }
    if (typeof data !== "string") {
      throw this.#error(`expected the event data to be a string, got ${quote(data)}`, line);
    }
    if (!v3) return { time, code, data };
    // Sum whole microseconds, as the v3 encoder does, so times never drift over long recordings.
    this.#micros += Math.round(time * 1_000_000);
    return { time: this.#micros / 1_000_000, code, data };
  }
}
