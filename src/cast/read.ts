/**
 * Streaming asciicast reader: header first, then events one at a time, holding only the line
 * being read, so multi-gigabyte recordings can be read in constant memory.
 */
import { CastParseError } from "./errors.ts";
import { CastLineDecoder } from "./line_decoder.ts";
import type { CastParseOptions } from "./parse.ts";
import type { CastEvent, CastHeader } from "./types.ts";

export interface CastReadOptions extends CastParseOptions {
  /** Longest line accepted, in UTF-16 code units; a longer one is an error (default 64 Mi). */
  maxLineLength?: number;
}

/** The events of a recording, readable once, after its header. */
export interface CastEventReader extends AsyncIterable<CastEvent> {
  readonly header: CastHeader;
  /** Set once iteration has finished: the last line was cut off and skipped. */
  readonly truncatedTail: boolean;
  /** Stops reading and cancels the stream, for a caller that needs no more events. */
  close(): Promise<void>;
}

interface Line {
  text: string;
  terminated: boolean;
}

const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;

async function* splitLines(
  stream: ReadableStream<Uint8Array>,
  maxLineLength: number,
  tooLong: () => Error,
): AsyncGenerator<Line> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  // A line spread over several reads is kept in pieces and joined once, at its end.
  let pieces: string[] = [];
  let piecesLength = 0;
  let finished = false;
  try {
    while (!finished) {
      const { value, done } = await reader.read();
      finished = done;
      const text = done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", start)) {
        let line = text.slice(start, newline);
        if (pieces.length > 0) {
          pieces.push(line);
          line = pieces.join("");
          pieces = [];
          piecesLength = 0;
        }
        if (line.length > maxLineLength) throw tooLong();
        yield { text: line, terminated: true };
        start = newline + 1;
      }
      if (start < text.length) {
        pieces.push(text.slice(start));
        piecesLength += text.length - start;
        if (piecesLength > maxLineLength) throw tooLong();
      }
    }
    if (pieces.length > 0) yield { text: pieces.join(""), terminated: false };
  } finally {
    // Stopping early (break, error) cancels the source instead of leaving it open.
    if (!finished) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * Reads the header of an asciicast v2 or v3 stream, and returns it with an async iterable of
 * the events that follow (absolute times in seconds).
 *
 * @throws {CastParseError} on a malformed header, or while iterating, on a malformed line
 * other than the last.
 */
export async function readCastEvents(
  stream: ReadableStream<Uint8Array>,
  options: CastReadOptions = {},
): Promise<CastEventReader> {
  const decoder = new CastLineDecoder(options.source);
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  let lineNumber = 0;
  const tooLong = () =>
    new CastParseError(`longer than ${maxLineLength} characters`, {
      line: lineNumber + 1,
      source: options.source,
    });
  const lines = splitLines(stream, maxLineLength, tooLong);
  let header: CastHeader;
  try {
    const first = await lines.next();
    if (!first.done) {
      lineNumber++;
      decoder.line(first.value.text, first.value.terminated);
    }
    header = decoder.end();
  } catch (error) {
    await lines.return(undefined);
    throw error;
  }
  let started = false;

  async function* events(): AsyncGenerator<CastEvent> {
    for await (const line of lines) {
      lineNumber++;
      const event = decoder.line(line.text, line.terminated);
      if (event) yield event;
    }
  }

  return {
    header,
    get truncatedTail() {
      return decoder.truncatedTail;
    },
    async close() {
      await lines.return(undefined);
    },
    [Symbol.asyncIterator]() {
      if (started) throw new Error("The events of a cast can be read only once");
      started = true;
      return events();
    },
  };
}
