import type { CastEventCode, CastHeader } from "../cast/types.ts";

/**
 * Where a recording goes: a file, an upload, a live view. A sink receives only redacted data.
 * Sinks may throw; the recorder drops a failing sink and reports it once, the session goes on.
 */
export interface CastSink {
  readonly name: string;
  header(header: CastHeader): void;
  /** `time` is seconds since the start of the session; `data` is decoded text. */
  event(time: number, code: CastEventCode, data: string): void;
  /**
   * Optional fast path for output and input: the (redacted) bytes already escaped as the
   * inside of a JSON string (see CastJsonEncoder; escaped once for every such sink), in order
   * per stream, valid only during the call. A sink that has it gets no text events for those
   * streams.
   */
  eventJson?(time: number, code: "o" | "i", json: Uint8Array): void;
  /** Makes buffered events durable; called at least every 100 ms while events arrive. */
  flush(): void;
  close(): void;
}
