/**
 * Terminal playback as an explicit state machine. The driver feeds inputs; `transition`
 * returns the next state and what to do. Times are recording seconds.
 *
 *   state     | input        | next state | effect
 *   ----------+--------------+------------+-------------------------------------------
 *   playing   | due(event)   | playing    | show the event; position = event time
 *   playing   | pause        | paused     | stop the clock
 *   playing   | step         | playing    | (ignored: stepping is for paused playback)
 *   paused    | pause        | playing    | restart the clock at the current position
 *   paused    | step(event)  | paused     | show the next event at once; position = its time
 *   paused    | due(event)   | paused     | (cannot happen: no clock while paused)
 *   any       | quit         | stopped    | leave
 *   playing   | end          | stopped    | leave
 */
export type PlaybackState =
  | { kind: "playing"; position: number; clockStartMs: number }
  | { kind: "paused"; position: number }
  | { kind: "stopped"; position: number };

export type PlaybackInput =
  | { kind: "due"; time: number }
  | { kind: "pause"; nowMs: number }
  | { kind: "step"; time: number }
  | { kind: "quit" }
  | { kind: "end" };

export interface PlaybackResult {
  state: PlaybackState;
  /** Whether the event the input refers to is shown now. */
  show: boolean;
}

export function transition(
  state: PlaybackState,
  input: PlaybackInput,
  speed: number,
): PlaybackResult {
  if (state.kind === "stopped") return { state, show: false };
  switch (input.kind) {
    case "quit":
    case "end":
      return { state: { kind: "stopped", position: state.position }, show: false };
    case "due":
      if (state.kind !== "playing") return { state, show: false };
      return { state: { ...state, position: input.time }, show: true };
    case "step":
      if (state.kind !== "paused") return { state, show: false };
      return { state: { kind: "paused", position: input.time }, show: true };
    case "pause":
      if (state.kind === "playing") {
        const position = positionAt(state, input.nowMs, speed);
        return { state: { kind: "paused", position }, show: false };
      }
      return {
        state: { kind: "playing", position: state.position, clockStartMs: input.nowMs },
        show: false,
      };
  }
}

/** Where a playing clock is at wall time `nowMs`. */
export function positionAt(
  state: { position: number; clockStartMs: number },
  nowMs: number,
  speed: number,
): number {
  return state.position + ((nowMs - state.clockStartMs) / 1000) * speed;
}

/** Milliseconds until an event at `time` is due, for a playing clock. */
export function delayUntil(
  state: { position: number; clockStartMs: number },
  time: number,
  nowMs: number,
  speed: number,
): number {
  return Math.max(0, ((time - positionAt(state, nowMs, speed)) * 1000) / speed);
}
