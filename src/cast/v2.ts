/**
 * asciicast v2 encoding, for players and tools that predate v3: a JSON header line with
 * width/height, then one JSON array per event whose first field is the absolute time.
 */
import type { Cast, CastEventCode, CastHeader } from "./types.ts";
import { formatSeconds } from "./v3.ts";

/**
 * The event codes v2 defines. Others are dropped: v2 has no exit event ("x": the exit status
 * stays in the session's metadata), and older players may reject codes they do not know.
 */
const V2_CODES: ReadonlySet<string> = new Set(["o", "i", "r", "m"]);

export function encodeV2Header(header: CastHeader): string {
  const out: Record<string, unknown> = { version: 2, width: header.cols, height: header.rows };
  if (header.timestamp !== undefined) out.timestamp = header.timestamp;
  if (header.idleTimeLimit !== undefined) out.idle_time_limit = header.idleTimeLimit;
  if (header.command !== undefined) out.command = header.command;
  if (header.title !== undefined) out.title = header.title;
  // v2 has no terminal type field: readers take it from env.TERM.
  const env = { ...header.env };
  if (header.termType !== undefined && env.TERM === undefined) env.TERM = header.termType;
  if (Object.keys(env).length > 0) out.env = env;
  return JSON.stringify(out) + "\n";
}

/** Writes events with absolute times, rounded to microseconds and never going backwards. */
export class V2EventEncoder {
  #lastMicros = 0;

  /** The event's line, or "" for an event v2 cannot hold. */
  encode(timeSeconds: number, code: CastEventCode, data: string): string {
    if (!V2_CODES.has(code)) return "";
    const micros = Math.max(this.#lastMicros, Math.round(timeSeconds * 1_000_000));
    this.#lastMicros = micros;
    return `[${formatSeconds(micros)}, ${JSON.stringify(code)}, ${JSON.stringify(data)}]\n`;
  }
}

/** A whole recording as asciicast v2 text (for small casts; stream with V2EventEncoder). */
export function encodeV2(cast: Cast): string {
  const encoder = new V2EventEncoder();
  const lines = [encodeV2Header(cast.header)];
  for (const event of cast.events) lines.push(encoder.encode(event.time, event.code, event.data));
  return lines.join("");
}
