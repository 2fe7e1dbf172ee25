import { assertEquals, assertThrows } from "@ddcoterm/assert";
import { applyIdleTimeLimit } from "./idle.ts";
import type { CastEvent } from "./types.ts";

const at = (...times: number[]): CastEvent[] =>
  times.map((time) => ({ time, code: "o", data: "" }));
const times = (events: Iterable<CastEvent>) => [...events].map((e) => e.time);

Deno.test("gaps longer than the idle limit are capped and later events move earlier", () => {
  assertEquals(times(applyIdleTimeLimit(at(0.5, 1, 11, 11.5, 30), 2)), [0.5, 1, 3, 3.5, 5.5]);
});

Deno.test("the pause before the first event is capped too", () => {
  assertEquals(times(applyIdleTimeLimit(at(10, 10.5), 2)), [2, 2.5]);
});

Deno.test("the idle limit leaves the input events unchanged", () => {
  const events = at(0, 10);
  [...applyIdleTimeLimit(events, 1)];
  assertEquals(times(events), [0, 10]);
});

Deno.test("the idle limit works lazily on iterators and async iterables", async () => {
  function* generate() {
    yield* at(1, 100);
  }
  assertEquals(times(applyIdleTimeLimit(generate(), 0.5)), [0.5, 1]);
  async function* stream() {
    yield* at(1, 100);
  }
  const out: number[] = [];
  for await (const event of applyIdleTimeLimit(stream(), 0.5)) out.push(event.time);
  assertEquals(out, [0.5, 1]);
});

Deno.test("an idle limit must be a positive number of seconds", () => {
  assertThrows(
    () => applyIdleTimeLimit(at(1), 0),
    /Idle time limit must be a positive number of seconds, got 0/,
  );
  assertThrows(() => applyIdleTimeLimit(at(1), NaN), RangeError);
  assertEquals(times(applyIdleTimeLimit(at(1, 1000), Infinity)), [1, 1000]);
});
