/** Reads a cast file for assertions, through the project's own parser. */
import { castTextToBytes } from "../../src/cast/bytes.ts";
import { parseCast } from "../../src/cast/parse.ts";

export interface SimpleEvent {
  time: number;
  code: string;
  data: string;
}

/**
 * The header as written (raw JSON, so tests see the file's own fields) and the events through
 * the project's parser; a truncated last line (a killed recorder) is ignored.
 */
export function readCastFile(
  path: string,
): { header: Record<string, unknown>; events: SimpleEvent[] } {
  const text = Deno.readTextFileSync(path);
  const header = JSON.parse(text.slice(0, text.indexOf("\n")));
  return { header, events: parseCast(text, { source: path }).events };
}

export function outputBytes(events: SimpleEvent[]): Uint8Array {
  const parts = events.filter((e) => e.code === "o").map((e) => castTextToBytes(e.data));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export function outputText(events: SimpleEvent[]): string {
  return events.filter((e) => e.code === "o").map((e) => e.data).join("");
}

/**
 * Compares two large byte arrays without a structural diff (which would take gigabytes of
 * memory for megabytes of data): the first differing offset with a little context.
 */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what = "bytes"): void {
  const n = Math.min(actual.length, expected.length);
  let i = 0;
  while (i < n && actual[i] === expected[i]) i++;
  if (i === n && actual.length === expected.length) return;
  const show = (b: Uint8Array) => JSON.stringify(new TextDecoder().decode(b.subarray(i, i + 40)));
  throw new Error(
    `${what} differ at offset ${i} (lengths ${actual.length} and ${expected.length}): ` +
      `got ${show(actual)}, expected ${show(expected)}`,
  );
}
