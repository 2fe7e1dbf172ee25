/**
 * The uploader's retry state as one pure transition function; the caller does the I/O.
 *
 *   state    | event     | next
 *   ---------+-----------+-----------------------------------------------
 *   unsynced | synced    | ready            (the server said what it has)
 *   ready    | sent      | ready            (one chunk stored)
 *   any      | failed    | backoff n+1      (network error, 5xx, 429)
 *   any      | conflict  | unsynced         (409: ask the server again)
 *   backoff  | retry     | unsynced         (after the delay)
 *   any      | rejected  | stopped          (4xx other than 409/429: never retried)
 */
export type UploadPhase =
  | { phase: "unsynced"; attempt: number }
  | { phase: "ready"; attempt: 0 }
  | { phase: "backoff"; attempt: number; delayMs: number }
  | { phase: "stopped"; attempt: number; reason: string };

export type UploadEvent =
  | { kind: "synced" }
  | { kind: "sent" }
  | { kind: "failed"; retryAfterMs?: number }
  | { kind: "conflict" }
  | { kind: "retry" }
  | { kind: "rejected"; reason: string };

const BASE_MS = 500;
const MAX_MS = 30_000;

/** Exponential backoff with jitter: half fixed, half random, capped at 30 s. */
export function backoffDelay(attempt: number, random: number): number {
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

export function transition(
  state: UploadPhase,
  event: UploadEvent,
  random: () => number = Math.random,
): UploadPhase {
  if (state.phase === "stopped") return state;
  switch (event.kind) {
    case "synced":
    case "sent":
      return { phase: "ready", attempt: 0 };
    case "failed": {
      const attempt = state.attempt + 1;
      const delayMs = Math.max(event.retryAfterMs ?? 0, backoffDelay(attempt - 1, random()));
      return { phase: "backoff", attempt, delayMs };
    }
    case "conflict":
      return { phase: "unsynced", attempt: state.attempt };
    case "retry":
      return state.phase === "backoff" ? { phase: "unsynced", attempt: state.attempt } : state;
    case "rejected":
      return { phase: "stopped", attempt: state.attempt, reason: event.reason };
  }
}
