/** Parsing a whole asciicast v2 or v3 text held in memory. */
import { CastLineDecoder } from "./line_decoder.ts";
import type { Cast, CastEvent } from "./types.ts";

export interface CastParseOptions {
  /** Names the input in error messages, e.g. a file path. */
  source?: string;
}

export interface ParsedCast extends Cast {
  /** The last line was cut off mid-way (a recorder killed while writing) and was skipped. */
  truncatedTail: boolean;
}

/**
 * Parses asciicast v2 or v3 into absolute-time events. For small inputs; use `readCastEvents`
 * for files that may be large.
 *
 * @throws {CastParseError} on a malformed header or on a malformed line other than the last.
 */
export function parseCast(text: string, options: CastParseOptions = {}): ParsedCast {
  const decoder = new CastLineDecoder(options.source);
  const events: CastEvent[] = [];
  let start = 0;
  while (start < text.length) {
    const newline = text.indexOf("\n", start);
    const terminated = newline !== -1;
    const end = terminated ? newline : text.length;
    const event = decoder.line(text.slice(start, end), terminated);
    if (event) events.push(event);
    start = end + 1;
  }
  return { header: decoder.end(), events, truncatedTail: decoder.truncatedTail };
}
