import { CastTextDecoder } from "../cast/bytes.ts";
import { CastJsonEncoder } from "../cast/json_bytes.ts";
import { concatBytes } from "../core/bytes.ts";
import type { CastEventCode, CastHeader } from "../cast/types.ts";
import type { EventsFile, SessionEvent } from "./events_file.ts";
import { type FilterResult, PassThroughFilter, type StreamFilter } from "./filter.ts";
import type { CastSink } from "./sink.ts";

/** Bytes of output in one cast event at most (escaped: at most six times as many). */
export const MAX_EVENT_BYTES = 32 * 1024;

/** How often buffered events are made durable and held-back bytes are checked. */
export const TICK_MS = 50;

type Stream = "output" | "input";

interface StreamState {
  /** Made on the stream's first bytes: most sessions never capture input. */
  filter: StreamFilter | null;
  decoder: CastTextDecoder;
  json: CastJsonEncoder;
  code: CastEventCode;
  bytes: number;
}

export interface RecorderOptions {
  sinks: CastSink[];
  events?: EventsFile;
  /** A fresh redactor per stream; pass-through when absent. */
  createFilter?: () => StreamFilter;
  /** Monotonic ms. */
  monotonic?: () => number;
  /** Reports a sink failure once; the sink is then dropped. */
  onSinkError?: (sink: CastSink, error: unknown) => void;
  /** Told after buffered events were made durable (the uploader reads the files). */
  onFlush?: () => void;
}

/**
 * The session's single path to storage: raw bytes in; redacted, decoded cast events out to
 * every sink. Only this class sees unredacted bytes after the user's terminal.
 */
export class Recorder {
  #sinks: CastSink[];
  #events?: EventsFile;
  #monotonic: () => number;
  #start: number;
  #startWall = Date.now();
  #onSinkError: (sink: CastSink, error: unknown) => void;
  #onFlush: () => void;
  #streams: Record<Stream, StreamState>;
  #createFilter: () => StreamFilter;
  #redactions = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #finished = false;
  #needsText: boolean;
  #needsJson: boolean;
  #inHiddenRun = false;

  constructor(options: RecorderOptions) {
    this.#sinks = [...options.sinks];
    this.#needsText = options.sinks.some((sink) => !sink.eventJson);
    this.#needsJson = options.sinks.some((sink) => sink.eventJson);
    this.#events = options.events;
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.#start = this.#monotonic();
    this.#onSinkError = options.onSinkError ?? (() => {});
    this.#onFlush = options.onFlush ?? (() => {});
    this.#createFilter = options.createFilter ?? (() => new PassThroughFilter());
    this.#streams = { output: stream("o"), input: stream("i") };
  }

  /** Seconds since the session started (at `atMs` on the monotonic clock, default now). */
  elapsed(atMs: number = this.#monotonic()): number {
    return Math.max(0, (atMs - this.#start) / 1000);
  }

  get outputBytes(): number {
    return this.#streams.output.bytes;
  }
  get inputBytes(): number {
    return this.#streams.input.bytes;
  }
  get redactions(): number {
    return this.#redactions;
  }

  start(header: CastHeader): void {
    this.#each((sink) => sink.header(header));
  }

  /**
   * Ticks on a timer, for loops with no wake-ups of their own. The pty loop calls `tick()` from
   * its poll instead: a first timer costs Deno ~6 ms of start-up.
   */
  startTicker(): void {
    const timer = setInterval(() => this.tick(), TICK_MS);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Output bytes, seen at `atMs` (monotonic ms; default now). */
  output(bytes: Uint8Array, atMs?: number): void {
    this.#push("output", bytes, atMs);
  }

  input(bytes: Uint8Array, atMs?: number): void {
    this.#inHiddenRun = false;
    this.#push("input", bytes, atMs);
  }

  /**
   * Input that must never be stored as keystrokes (typed at a password prompt): counted, and
   * one marker per run of it.
   */
  hiddenInput(byteCount: number, atMs?: number): void {
    this.#streams.input.bytes += byteCount;
    if (this.#inHiddenRun) return;
    this.#inHiddenRun = true;
    this.#emit("m", "input hidden (echo off)", atMs);
  }

  resize(cols: number, rows: number): void {
    this.#emit("r", `${cols}x${rows}`);
  }

  marker(label: string): void {
    this.#emit("m", label);
  }

  /** Appends a JSON event (already redacted by the caller) to events.jsonl. */
  event(type: string, fields: Record<string, unknown> = {}, atWallMs?: number): void {
    const t = atWallMs === undefined
      ? this.elapsed()
      : Math.max(0, (atWallMs - this.#startWall) / 1000);
    const event: SessionEvent = {
      t: round6(t),
      time: new Date(this.#startWall + t * 1000).toISOString(),
      type,
      ...fields,
    };
    try {
      this.#events?.append(event);
    } catch (error) {
      const events = this.#events;
      this.#events = undefined;
      if (events) this.#onSinkError({ name: events.path } as CastSink, error);
    }
  }

  /** Flushes every stream, writes the exit event and closes the sinks. */
  finish(exitStatus: number): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const stream of ["output", "input"] as const) {
      const filter = this.#streams[stream].filter;
      if (filter) this.#deliver(stream, filter.flush(), true);
    }
    this.#emit("x", String(exitStatus));
    this.#each((sink) => sink.close());
    this.#events?.close();
  }

  #push(stream: Stream, bytes: Uint8Array, atMs?: number): void {
    const state = this.#streams[stream];
    state.bytes += bytes.length;
    state.filter ??= this.#createFilter();
    this.#deliver(stream, state.filter.push(bytes), false, atMs);
  }

  #deliver(stream: Stream, result: FilterResult, final: boolean, atMs?: number): void {
    const state = this.#streams[stream];
    for (const finding of result.findings) {
      this.#redactions++;
      this.event("redaction", {
        rule: finding.ruleId,
        stream,
        offset: finding.offset,
        length: finding.length,
      });
    }
    const bytes = result.output;
    if (bytes.length === 0 && !final) return;
    const time = this.elapsed(atMs);
    // Long output becomes several events: a line of the cast stays well under an upload chunk
    // (256 KiB), even if every byte needs a six-byte escape. They are a microsecond apart, so
    // times keep increasing (players and the server's seek points rely on it).
    for (let at = 0, piece = 0;; at += MAX_EVENT_BYTES, piece++) {
      const end = Math.min(bytes.length, at + MAX_EVENT_BYTES);
      const last = end === bytes.length;
      this.#event(state, time + piece / 1e6, bytes.subarray(at, end), final && last);
      if (last) break;
    }
  }

  #event(state: StreamState, time: number, bytes: Uint8Array, final: boolean): void {
    const code = state.code as "o" | "i";
    // Text is decoded only for sinks without the JSON fast path (and always, to keep the
    // decoder's state whole, once one such sink exists); JSON is escaped once for all others.
    let text: string | undefined;
    if (this.#needsText) {
      text = bytes.length > 0 ? state.decoder.decode(bytes) : "";
      if (final) text += state.decoder.flush();
    }
    let json: Uint8Array | undefined;
    if (this.#needsJson) {
      json = state.json.encode(bytes);
      if (final) json = concatBytes([json, state.json.flush()]);
    }
    this.#each((sink) => {
      if (sink.eventJson) {
        if (json!.length > 0) sink.eventJson(time, code, json!);
      } else if (text) sink.event(time, code, text);
    });
  }

  #emit(code: CastEventCode, data: string, atMs?: number): void {
    const time = this.elapsed(atMs);
    this.#each((sink) => sink.event(time, code, data));
  }

  /** Makes buffered events durable and releases held-back bytes whose time has come. */
  tick(): void {
    if (this.#finished) return;
    const now = this.#monotonic();
    for (const stream of ["output", "input"] as const) {
      const filter = this.#streams[stream].filter;
      if (!filter) continue;
      const deadline = filter.deadline();
      if (deadline !== null && deadline <= now) this.#deliver(stream, filter.tick(), false);
    }
    this.#each((sink) => sink.flush());
    this.#onFlush();
  }

  #each(action: (sink: CastSink) => void): void {
    for (const sink of [...this.#sinks]) {
      try {
        action(sink);
      } catch (error) {
        this.#sinks = this.#sinks.filter((s) => s !== sink);
        this.#onSinkError(sink, error);
      }
    }
  }
}

function stream(code: "o" | "i"): StreamState {
  return {
    filter: null,
    decoder: new CastTextDecoder(),
    json: new CastJsonEncoder(),
    code,
    bytes: 0,
  };
}

function round6(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}
