/**
 * One chunk of an asciicast v3 stream → its events with absolute times. Pure. Chunk 0 starts
 * with the header line; a later chunk is read after the stored header, and its intervals add
 * to `baseTime`, the absolute time of the stream's last event so far.
 */
import { CastParseError } from "../../cast/errors.ts";
import { CastLineDecoder } from "../../cast/line_decoder.ts";
import type { CastEvent, CastHeader } from "../../cast/types.ts";
import { InvalidInput } from "../http/errors.ts";

export interface DecodedCastChunk {
  /** Set for chunk 0: the header line as sent. */
  headerLine?: string;
  header: CastHeader;
  events: CastEvent[];
  /** Absolute time of the last event, `baseTime` when the chunk has none. */
  lastTime: number;
}

export function splitCompleteLines(text: string, what: string): string[] {
  if (text.length === 0) throw new InvalidInput(`The ${what} chunk is empty`);
  if (!text.endsWith("\n")) {
    throw new InvalidInput(`The ${what} chunk must end at a line end ("\\n")`);
  }
  return text.slice(0, -1).split("\n");
}

export function decodeCastChunk(
  text: string,
  storedHeaderLine: string | null,
  baseTime: number,
): DecodedCastChunk {
  const lines = splitCompleteLines(text, "cast");
  const decoder = new CastLineDecoder();
  let headerLine: string | undefined;
  let first = 0;
  try {
    if (storedHeaderLine === null) {
      headerLine = lines[0];
      decoder.line(headerLine, true);
      first = 1;
    } else {
      decoder.line(storedHeaderLine, true);
    }
    const header = decoder.header!;
    if (header.version !== 3) {
      throw new InvalidInput(`The cast stream must be asciicast v3, got version ${header.version}`);
    }
    const events: CastEvent[] = [];
    for (let i = first; i < lines.length; i++) {
      const event = decoder.line(lines[i], true);
      if (event) {
        event.time = Math.round((baseTime + event.time) * 1e6) / 1e6;
        events.push(event);
      }
    }
    const lastTime = events.length > 0 ? events[events.length - 1].time : baseTime;
    return { headerLine, header, events, lastTime };
  } catch (error) {
    if (error instanceof CastParseError) {
      // Line numbers within the chunk (the stored header was line 1 for the decoder).
      const line = error.line === undefined ? "" : `line ${error.line - (headerLine ? 0 : 1)}: `;
      throw new InvalidInput(`Invalid cast chunk: ${line}${error.reason}`);
    }
    throw error;
  }
}
