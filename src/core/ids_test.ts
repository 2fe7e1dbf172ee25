import { assert, assertEquals } from "@ddcoterm/assert";
import { isSessionId, uuidv7, uuidv7Time } from "./ids.ts";

Deno.test("session ids sort by creation time", () => {
  const ids = [3000, 1000, 2000_000, 2000].map((t) => uuidv7(t));
  const sorted = [...ids].sort();
  assertEquals(sorted.map(uuidv7Time), [1000, 2000, 3000, 2000_000]);
});

Deno.test("session ids are valid UUIDv7 strings", () => {
  for (let i = 0; i < 100; i++) assert(isSessionId(uuidv7()));
  assert(!isSessionId("not-an-id"));
});

Deno.test("session id embeds the injected clock", () => {
  const id = uuidv7(1_700_000_000_123, (b) => b.fill(0));
  assertEquals(uuidv7Time(id), 1_700_000_000_123);
  assertEquals(id, "018bcfe5-687b-7000-8000-000000000000");
});
