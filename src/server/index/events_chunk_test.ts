import { assertEquals, assertThrows } from "@ddcoterm/assert";
import { decodeEventsChunk } from "./events_chunk.ts";

const session = { user: "alice", host: "web1", startMs: 1_700_000_000_000 };

Deno.test("events chunks lift type, source, executable and wall time out of each line", () => {
  const text = JSON.stringify({ t: 1.5, type: "exec", path: "/usr/bin/kubectl", argv: ["k"] }) +
    "\n" + JSON.stringify({ t: 2, time: "2024-01-01T00:00:00.000Z", type: "break_glass" }) + "\n";
  const rows = decodeEventsChunk(text, 10, session);
  assertEquals(rows.map((r) => [r.lineNo, r.type, r.source, r.executable, r.user]), [
    [10, "exec", "coterm_process_info", "kubectl", "alice"],
    [11, "break_glass", "coterm_audit", null, "alice"],
  ]);
  assertEquals(rows[0].timeMs, session.startMs + 1500);
  assertEquals(rows[1].timeMs, Date.parse("2024-01-01T00:00:00.000Z"));
});

Deno.test("events chunks reject a cut line, a non-object and a missing type", () => {
  assertThrows(() => decodeEventsChunk('{"t":1,"type":"x"}', 0, session));
  assertThrows(() => decodeEventsChunk("[1]\n", 0, session));
  assertThrows(() => decodeEventsChunk('{"t":1}\n', 0, session));
});
