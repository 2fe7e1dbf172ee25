import { castTextToBytes } from "../cast/bytes.ts";
import type { CastEvent } from "../cast/types.ts";
import { delayUntil, type PlaybackState, transition } from "./playback.ts";

export interface PlayOptions {
  speed: number;
  write: (bytes: Uint8Array) => void;
  /** Keys pressed by the viewer, or null when there is no terminal to read them from. */
  keys: AsyncIterator<string> | null;
  now?: () => number;
}

const CTRL_C = "\x03";

/** Shows output events at their times; space pauses, "." steps while paused, ^C or q quits. */
export async function play(
  events: AsyncIterable<CastEvent>,
  options: PlayOptions,
): Promise<"ended" | "quit"> {
  const now = options.now ?? (() => performance.now());
  let state: PlaybackState = { kind: "playing", position: 0, clockStartMs: now() };
  let pendingKey: Promise<IteratorResult<string>> | null = null;
  const nextKey = () => {
    if (!options.keys) return new Promise<never>(() => {});
    pendingKey ??= options.keys.next();
    return pendingKey;
  };

  for await (const event of events) {
    if (event.code !== "o") continue;
    for (;;) {
      if (state.kind === "stopped") return "quit";
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waits: Promise<{ key?: string; due?: true }>[] = [
        nextKey().then((r) => ({ key: r.done ? CTRL_C : r.value })),
      ];
      if (state.kind === "playing") {
        const ms = delayUntil(state, event.time, now(), options.speed);
        waits.push(new Promise((resolve) => timer = setTimeout(() => resolve({ due: true }), ms)));
      }
      const woke = await Promise.race(waits);
      clearTimeout(timer);
      if (woke.due) {
        const result = transition(state, { kind: "due", time: event.time }, options.speed);
        state = result.state;
        if (result.show) options.write(castTextToBytes(event.data));
        break;
      }
      pendingKey = null;
      const key = woke.key!;
      if (key === " ") {
        state = transition(state, { kind: "pause", nowMs: now() }, options.speed).state;
      } else if (key === ".") {
        const result = transition(state, { kind: "step", time: event.time }, options.speed);
        state = result.state;
        if (result.show) {
          options.write(castTextToBytes(event.data));
          break;
        }
      } else if (key === CTRL_C || key === "q") {
        state = transition(state, { kind: "quit" }, options.speed).state;
      }
    }
  }
  return "ended";
}

/** Keystrokes from the user's terminal (in raw mode), one string per read. */
export async function* terminalKeys(): AsyncGenerator<string> {
  const buffer = new Uint8Array(64);
  const decoder = new TextDecoder();
  for (;;) {
    const n = await Deno.stdin.read(buffer);
    if (n === null) return;
    for (const ch of decoder.decode(buffer.subarray(0, n))) yield ch;
  }
}
