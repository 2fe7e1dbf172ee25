import { assertEquals } from "@ddcoterm/assert";
import { parseCast } from "./parse.ts";
import { readCastEvents } from "./read.ts";
import { castToText, transcribe, transcribeAsync, type TranscriptLine } from "./transcript.ts";
import type { Cast, CastEvent } from "./types.ts";

const o = (time: number, data: string): CastEvent => ({ time, code: "o", data });

const SESSION: Cast = {
  header: { version: 3, cols: 20, rows: 3 },
  events: [
    o(0.5, "$ kubectl get pods\r\n"),
    { time: 0.6, code: "i", data: "typed, not shown" },
    o(1, "\x1b[1mNAME\x1b[0m    READY\r\napi-1   1/1\r\n"),
    o(2, "$ less log\r\n\x1b[?1049h\x1b[H\x1b[2Jsecret page\r\nmore\r\n\r\n\r\n"),
    o(3, "\x1b[?1049l$ exit\r\n"),
    { time: 3.5, code: "m", data: "marker" },
    { time: 4, code: "x", data: "0" },
  ],
};

Deno.test("a transcript holds what was on the main screen, in order, without the alternate screen", () => {
  assertEquals(
    castToText(SESSION),
    "$ kubectl get pods\nNAME    READY\napi-1   1/1\n$ less log\n$ exit\n",
  );
});

Deno.test("transcript lines carry the time they left the screen, the last screen the end time", () => {
  const lines: TranscriptLine[] = [...transcribe(SESSION.events, SESSION.header)];
  assertEquals(lines, [
    { text: "$ kubectl get pods", time: 1 },
    { text: "NAME    READY", time: 2 },
    { text: "api-1   1/1", time: 3 },
    { text: "$ less log", time: 4 },
    { text: "$ exit", time: 4 },
  ]);
});

Deno.test("castToText accepts plain events with a size, and gives nothing for an empty screen", () => {
  assertEquals(castToText([o(1, "hi\r\n\r\n\r\n")], { cols: 10, rows: 5 }), "hi\n");
  assertEquals(castToText([], { cols: 10, rows: 5 }), "");
  assertEquals(castToText([o(1, "\x1b]0;title\x07")], { cols: 10, rows: 5 }), "");
});

Deno.test("resize events change the screen the output is laid out on", () => {
  const events = [o(1, "12345678"), { time: 2, code: "r", data: "4x3" }, o(3, "\r\nabcdefgh")];
  assertEquals(castToText(events, { cols: 10, rows: 3 }), "1234\nabcdefgh\n");
  const bad = [o(1, "x"), { time: 2, code: "r", data: "wide" }];
  assertEquals(castToText(bad, { cols: 10, rows: 3 }), "x\n");
});

Deno.test("a recording read from a stream is transcribed as it is read", async () => {
  const text = '{"version":3,"term":{"cols":10,"rows":2}}\n' +
    '[0.5, "o", "one\\r\\ntwo\\r\\n"]\n[0.5, "o", "three"]\n[0.1, "o", "cut';
  const bytes = new TextEncoder().encode(text);
  const reader = await readCastEvents(ReadableStream.from([bytes.slice(0, 50), bytes.slice(50)]));
  const lines: TranscriptLine[] = [];
  for await (const line of transcribeAsync(reader, reader.header)) lines.push(line);
  assertEquals(lines, [{ text: "one", time: 0.5 }, { text: "two", time: 1 }, {
    text: "three",
    time: 1,
  }]);
  assertEquals(reader.truncatedTail, true);
  assertEquals(castToText(parseCast(text)), "one\ntwo\nthree\n");
});
