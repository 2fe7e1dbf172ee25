import { assertEquals, assertRejects } from "@ddcoterm/assert";
import { CastParseError } from "./errors.ts";
import { parseCast } from "./parse.ts";
import { readCastEvents } from "./read.ts";
import type { CastEvent } from "./types.ts";

const encoder = new TextEncoder();

/** A stream of `text` cut into pieces of `size` bytes (cutting UTF-8 characters too). */
function streamOf(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = encoder.encode(text);
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
}

async function collect(events: AsyncIterable<CastEvent>): Promise<CastEvent[]> {
  const out: CastEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

const SAMPLE = '{"version":3,"term":{"cols":80,"rows":24}}\n' +
  '[0.5, "o", "héllo ✓ 😀\\r\\n"]\n# comment\n\n[0.25, "i", "\\udcff"]\n[1.0, "x", "0"]\n';

Deno.test("the streaming reader gives the same cast as parseCast for any read size", async () => {
  const expected = parseCast(SAMPLE);
  for (const size of [1, 2, 3, 7, 64, 4096]) {
    const reader = await readCastEvents(streamOf(SAMPLE, size));
    assertEquals(reader.header, expected.header);
    assertEquals(await collect(reader), expected.events);
    assertEquals(reader.truncatedTail, false);
  }
});

Deno.test("the streaming reader ignores and reports a truncated last line", async () => {
  const reader = await readCastEvents(streamOf(SAMPLE + '[0.5, "o", "cut', 5));
  assertEquals((await collect(reader)).length, 3);
  assertEquals(reader.truncatedTail, true);
});

Deno.test("the streaming reader fails on a malformed line in the middle, naming it", async () => {
  const text = SAMPLE.replace("# comment", "[0.5, oops]");
  const reader = await readCastEvents(streamOf(text, 16), { source: "s.cast" });
  await assertRejects(
    () => collect(reader),
    /^CastParseError: Cannot read cast "s.cast": line 3: not valid JSON$/,
  );
});

Deno.test("the streaming reader fails on a bad header before any event is read", async () => {
  await assertRejects(() => readCastEvents(streamOf('{"version":9}\n', 4)), CastParseError);
  await assertRejects(() => readCastEvents(streamOf("", 4)), /the file is empty/);
});

Deno.test("a line longer than the limit is an error instead of unbounded memory", async () => {
  const text = `{"version":3,"term":{"cols":80,"rows":24}}\n[0.5, "o", "${"a".repeat(5000)}"]\n`;
  const reader = await readCastEvents(streamOf(text, 100), { maxLineLength: 1000 });
  await assertRejects(() => collect(reader), /line 2: longer than 1000 characters/);
});

Deno.test("stopping early cancels the stream", async () => {
  let cancelled = false;
  const bytes = encoder.encode(SAMPLE);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(bytes);
    },
    cancel() {
      cancelled = true;
    },
  });
  const reader = await readCastEvents(stream);
  for await (const _event of reader) break;
  assertEquals(cancelled, true);
});

Deno.test("events can be read only once", async () => {
  const reader = await readCastEvents(streamOf(SAMPLE, 4096));
  await collect(reader);
  await assertRejects(() => collect(reader), /can be read only once/);
});
