/**
 * asciicast v3 encoding: a JSON header line, then one JSON array per event whose first field is
 * the interval in seconds since the previous event. Each line stands alone, so a file cut
 * after any line is a valid recording.
 */
import type { Cast, CastEventCode, CastHeader } from "./types.ts";

export function encodeV3Header(header: CastHeader): string {
  const term: Record<string, unknown> = { cols: header.cols, rows: header.rows };
  if (header.termType) term.type = header.termType;
  const out: Record<string, unknown> = { version: 3, term };
  if (header.timestamp !== undefined) out.timestamp = header.timestamp;
  if (header.idleTimeLimit !== undefined) out.idle_time_limit = header.idleTimeLimit;
  if (header.command !== undefined) out.command = header.command;
  if (header.title !== undefined) out.title = header.title;
  if (header.env && Object.keys(header.env).length > 0) out.env = header.env;
  return JSON.stringify(out) + "\n";
}

/** Formats microseconds as seconds with up to six decimals, no trailing zeros. */
export function formatSeconds(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const frac = micros - whole * 1_000_000;
  if (frac === 0) return `${whole}.0`;
  return `${whole}.${String(frac).padStart(6, "0").replace(/0+$/, "")}`;
}

/**
 * Turns absolute event times into v3 intervals. Times are rounded to microseconds before the
 * difference is taken, so summing the intervals never drifts from the real clock.
 */
export class V3EventEncoder {
  #lastMicros = 0;

  encode(timeSeconds: number, code: CastEventCode, data: string): string {
    // The code is quoted by JSON.stringify too: codes kept from other writers may be any string.
    return `${this.#prefix(timeSeconds, code)}${JSON.stringify(data)}]\n`;
  }

  /**
   * The start of the same line, up to and including the opening quote of its data, for data
   * that is already the escaped inside of a JSON string (see CastJsonEncoder): the writer
   * appends those bytes and `"]\n` with no JavaScript string in between.
   */
  lineStart(timeSeconds: number, code: CastEventCode): string {
    return `${this.#prefix(timeSeconds, code)}"`;
  }

  #prefix(timeSeconds: number, code: CastEventCode): string {
    const micros = Math.max(this.#lastMicros, Math.round(timeSeconds * 1_000_000));
    const interval = micros - this.#lastMicros;
    this.#lastMicros = micros;
    return `[${formatSeconds(interval)}, ${JSON.stringify(code)}, `;
  }
}

/** A whole recording as asciicast v3 text (for small casts; the recorder streams instead). */
export function encodeV3(cast: Cast): string {
  const encoder = new V3EventEncoder();
  const lines = [encodeV3Header(cast.header)];
  for (const event of cast.events) lines.push(encoder.encode(event.time, event.code, event.data));
  return lines.join("");
}
