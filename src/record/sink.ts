import type { CastEventCode, CastHeader } from "../cast/types.ts";

/**
 * Where a recording goes: a file, an upload, a live view. A sink receives only redacted text.
 * Sinks may throw; the recorder drops a failing sink and reports it once, the session goes on.
 */
export interface CastSink {
  readonly name: string;
  header(header: CastHeader): void;
  /** `time` is seconds since the start of the session. */
  event(time: number, code: CastEventCode, data: string): void;
  /** Makes buffered events durable; called at least every 100 ms while events arrive. */
  flush(): void;
  close(): void;
}
