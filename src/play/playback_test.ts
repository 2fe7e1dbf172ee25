import { assertEquals } from "@ddcoterm/assert";
import { delayUntil, type PlaybackState, transition } from "./playback.ts";

Deno.test("playing shows due events and advances the position", () => {
  const start: PlaybackState = { kind: "playing", position: 0, clockStartMs: 1000 };
  const { state, show } = transition(start, { kind: "due", time: 1.5 }, 1);
  assertEquals(show, true);
  assertEquals(state.position, 1.5);
});

Deno.test("pause freezes the position and resume restarts the clock there", () => {
  const playing: PlaybackState = { kind: "playing", position: 2, clockStartMs: 1000 };
  const paused = transition(playing, { kind: "pause", nowMs: 1500 }, 2).state;
  assertEquals(paused, { kind: "paused", position: 3 });
  const resumed = transition(paused, { kind: "pause", nowMs: 9000 }, 2).state;
  assertEquals(resumed, { kind: "playing", position: 3, clockStartMs: 9000 });
  if (resumed.kind !== "playing") throw new Error("unreachable");
  assertEquals(delayUntil(resumed, 4, 9000, 2), 500);
});

Deno.test("step shows the next event only while paused", () => {
  const paused: PlaybackState = { kind: "paused", position: 1 };
  assertEquals(transition(paused, { kind: "step", time: 7 }, 1), {
    state: { kind: "paused", position: 7 },
    show: true,
  });
  const playing: PlaybackState = { kind: "playing", position: 1, clockStartMs: 0 };
  assertEquals(transition(playing, { kind: "step", time: 7 }, 1).show, false);
});

Deno.test("quit stops from any state and stopped ignores everything", () => {
  const stopped = transition({ kind: "paused", position: 4 }, { kind: "quit" }, 1).state;
  assertEquals(stopped, { kind: "stopped", position: 4 });
  assertEquals(transition(stopped, { kind: "due", time: 5 }, 1).show, false);
});
