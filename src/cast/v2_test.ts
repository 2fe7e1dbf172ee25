import { assertEquals } from "@ddcoterm/assert";
import { encodeV2, encodeV2Header, V2EventEncoder } from "./v2.ts";

Deno.test("v2 header carries width, height, metadata and the terminal type in env", () => {
  const line = encodeV2Header({
    version: 3,
    cols: 80,
    rows: 24,
    termType: "xterm-256color",
    timestamp: 1700000000,
    idleTimeLimit: 2,
    command: "kubectl get pods",
    title: "t",
    env: { SHELL: "/bin/bash" },
  });
  assertEquals(JSON.parse(line), {
    version: 2,
    width: 80,
    height: 24,
    timestamp: 1700000000,
    idle_time_limit: 2,
    command: "kubectl get pods",
    title: "t",
    env: { SHELL: "/bin/bash", TERM: "xterm-256color" },
  });
  assertEquals(
    encodeV2Header({ version: 3, cols: 80, rows: 24 }),
    '{"version":2,"width":80,"height":24}\n',
  );
});

Deno.test("v2 events carry absolute times rounded to microseconds", () => {
  const encoder = new V2EventEncoder();
  assertEquals(encoder.encode(0.1 + 0.2, "o", "a\u001b"), '[0.3, "o", "a\\u001b"]\n');
  assertEquals(encoder.encode(12, "r", "100x30"), '[12.0, "r", "100x30"]\n');
  // Never backwards, even when the caller's clock is.
  assertEquals(encoder.encode(11, "m", ""), '[12.0, "m", ""]\n');
});

Deno.test("v2 has no exit event, so exit and unknown events are dropped", () => {
  const text = encodeV2({
    header: { version: 3, cols: 80, rows: 24 },
    events: [
      { time: 1, code: "o", data: "bye" },
      { time: 2, code: "x", data: "0" },
      { time: 3, code: "z", data: "future" },
    ],
  });
  assertEquals(text, '{"version":2,"width":80,"height":24}\n[1.0, "o", "bye"]\n');
});
