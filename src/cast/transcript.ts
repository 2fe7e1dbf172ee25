/**
 * What a person saw, as plain text: output events go through the headless terminal, and the
 * lines that left the main screen plus the final screen form the transcript. Used by
 * `ddcoterm export --format txt` and by the server's full-text log search, which keeps each
 * line's time so a hit can seek the player to it.
 */
import type { Cast, CastEvent } from "./types.ts";
import { Terminal } from "./vt/terminal.ts";

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface TranscriptLine {
  text: string;
  /** Seconds into the recording: when the line left the screen, or the end for the last screen. */
  time: number;
}

export interface TranscriptOptions {
  /** A logical line longer than this is split into several (default 65536). */
  maxLineLength?: number;
}

const RESIZE = /^(\d+)x(\d+)$/;

/** Feeds events to a terminal and reports their lines to `sink`. */
class Transcriber {
  #terminal: Terminal;
  #time = 0;

  constructor(
    size: TerminalSize,
    sink: (line: TranscriptLine) => void,
    options: TranscriptOptions,
  ) {
    this.#terminal = new Terminal({
      cols: size.cols,
      rows: size.rows,
      maxLineLength: options.maxLineLength,
      onLine: (text, time) => sink({ text, time }),
    });
  }

  event(event: CastEvent): void {
    this.#time = event.time;
    if (event.code === "o") {
      this.#terminal.write(event.data, event.time);
    } else if (event.code === "r") {
      // A malformed size is skipped: the rest of the recording still reads.
      const size = RESIZE.exec(event.data);
      if (size) this.#terminal.resize(Number(size[1]), Number(size[2]), event.time);
    }
  }

  finish(): void {
    this.#terminal.finish(this.#time);
  }
}

/**
 * The transcript of a recording as it is read: each line as soon as it has left the main
 * screen, then the lines of the final screen. Memory stays bounded by the screen size.
 */
export function* transcribe(
  events: Iterable<CastEvent>,
  size: TerminalSize,
  options: TranscriptOptions = {},
): Generator<TranscriptLine> {
  const ready: TranscriptLine[] = [];
  const transcriber = new Transcriber(size, (line) => ready.push(line), options);
  for (const event of events) {
    transcriber.event(event);
    yield* ready;
    ready.length = 0;
  }
  transcriber.finish();
  yield* ready;
}

/** `transcribe` for events read from a stream (see `readCastEvents`). */
export async function* transcribeAsync(
  events: AsyncIterable<CastEvent>,
  size: TerminalSize,
  options: TranscriptOptions = {},
): AsyncGenerator<TranscriptLine> {
  const ready: TranscriptLine[] = [];
  const transcriber = new Transcriber(size, (line) => ready.push(line), options);
  for await (const event of events) {
    transcriber.event(event);
    // A plain loop: `yield*` over an array in an async generator adds promise hops per line.
    for (const line of ready) yield line;
    ready.length = 0;
  }
  transcriber.finish();
  for (const line of ready) yield line;
}

/**
 * The whole transcript as text: one line per logical line, trailing empty lines removed,
 * ending with "\n" ("" when nothing was shown). For recordings that fit in memory as text.
 */
export function castToText(cast: Cast, options?: TranscriptOptions): string;
export function castToText(
  events: Iterable<CastEvent>,
  size: TerminalSize,
  options?: TranscriptOptions,
): string;
export function castToText(
  source: Cast | Iterable<CastEvent>,
  sizeOrOptions?: TerminalSize | TranscriptOptions,
  maybeOptions?: TranscriptOptions,
): string {
  const isCast = "header" in source;
  const events = isCast ? source.events : source;
  const size = isCast ? source.header : sizeOrOptions as TerminalSize;
  const options = (isCast ? sizeOrOptions as TranscriptOptions : maybeOptions) ?? {};
  const text = new TextCollector();
  // Lines go straight to the collector: a generator step per line would halve the speed.
  const transcriber = new Transcriber(size, (line) => text.add(line.text), options);
  for (const event of events) transcriber.event(event);
  transcriber.finish();
  return text.toString();
}

/**
 * Joins lines into text as they come, in blocks, so millions of short line strings are not
 * all kept alive until the end; empty lines wait until a line with text follows them, which
 * drops the trailing ones.
 */
class TextCollector {
  #blocks: string[] = [];
  #lines: string[] = [];
  #blankRun = 0;

  add(line: string): void {
    if (line === "") {
      this.#blankRun++;
      return;
    }
    for (; this.#blankRun > 0; this.#blankRun--) this.#push("");
    this.#push(line);
  }

  toString(): string {
    this.#flush();
    return this.#blocks.join("");
  }

  #push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length >= 4096) this.#flush();
  }

  #flush(): void {
    if (this.#lines.length === 0) return;
    this.#blocks.push(this.#lines.join("\n") + "\n");
    this.#lines = [];
  }
}
