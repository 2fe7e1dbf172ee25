import { assert, assertEquals } from "@ddcoterm/assert";
import { backoffDelay, transition, type UploadPhase } from "./state.ts";

Deno.test("upload retries back off exponentially with jitter up to 30 seconds", () => {
  assertEquals(backoffDelay(0, 0), 250);
  assertEquals(backoffDelay(0, 1), 500);
  assertEquals(backoffDelay(3, 0), 2000);
  assertEquals(backoffDelay(50, 1), 30_000);
});

Deno.test("upload state goes to backoff on failure, back to sync after it, and stops on rejection", () => {
  let state: UploadPhase = { phase: "unsynced", attempt: 0 };
  state = transition(state, { kind: "failed" }, () => 0);
  assertEquals(state, { phase: "backoff", attempt: 1, delayMs: 250 });
  state = transition(state, { kind: "failed", retryAfterMs: 5000 }, () => 0);
  assertEquals(state, { phase: "backoff", attempt: 2, delayMs: 5000 });
  state = transition(state, { kind: "retry" });
  assertEquals(state.phase, "unsynced");
  state = transition(state, { kind: "synced" });
  assertEquals(state, { phase: "ready", attempt: 0 });
  state = transition(state, { kind: "conflict" });
  assertEquals(state.phase, "unsynced");
  state = transition(state, { kind: "rejected", reason: "bad" });
  assert(state.phase === "stopped");
  assertEquals(transition(state, { kind: "synced" }), state);
});
