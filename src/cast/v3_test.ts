import { assertEquals } from "@ddcoterm/assert";
import { encodeV3Header, formatSeconds, V3EventEncoder } from "./v3.ts";

Deno.test("v3 header carries terminal size, type and metadata", () => {
  const line = encodeV3Header({
    version: 3,
    cols: 80,
    rows: 24,
    termType: "xterm-256color",
    timestamp: 1700000000,
    idleTimeLimit: 2,
    command: "kubectl get pods",
    title: "t",
    env: { SHELL: "/bin/bash", TERM: "xterm-256color" },
  });
  assertEquals(JSON.parse(line), {
    version: 3,
    term: { cols: 80, rows: 24, type: "xterm-256color" },
    timestamp: 1700000000,
    idle_time_limit: 2,
    command: "kubectl get pods",
    title: "t",
    env: { SHELL: "/bin/bash", TERM: "xterm-256color" },
  });
});

Deno.test("v3 events use intervals that add up to the absolute times", () => {
  const encoder = new V3EventEncoder();
  const times = [0.1, 0.1000004, 0.25, 1.0000019, 7.5];
  let sum = 0;
  for (const t of times) {
    const [interval] = JSON.parse(encoder.encode(t, "o", "x"));
    sum += interval;
    assertEquals(Math.round(sum * 1e6), Math.round(t * 1e6));
  }
});

Deno.test("seconds are formatted without float noise", () => {
  assertEquals(formatSeconds(0), "0.0");
  assertEquals(formatSeconds(1_500_000), "1.5");
  assertEquals(formatSeconds(123), "0.000123");
  assertEquals(formatSeconds(12_000_001), "12.000001");
});
