/** What the main thread and the proxy worker say to each other. */

/** Int32 slots of the shared control buffer. */
export const CONTROL_STATE = 0;
/** Batches the main thread has recorded (the worker pauses reading past MAX_IN_FLIGHT). */
export const CONTROL_ACKED = 1;
/** Float64 slot (at Int32 index 2, 8-byte aligned): Date.now() deadline to finish draining. */
export const CONTROL_DRAIN_MS = 2;
/** 1 while the user's input is read (0 while ddcoterm runs in the background of its terminal). */
export const CONTROL_INPUT = 4;
export const CONTROL_BYTES = 24;

export const STATE_RUN = 0;
export const STATE_DRAIN = 1;
export const STATE_STOP = 2;

/** Batches (≤ BATCH_MAX_BYTES each) sent but not yet recorded: bounds memory. */
export const MAX_IN_FLIGHT = 8;
/**
 * Copies for the recorder travel in batches: waking the main thread for every keystroke's echo
 * competes for the CPU with the echo itself (measured: +50–100 µs per keystroke on 2 cores).
 * A batch is due BATCH_DUE_MS after its first bytes and goes at the first quiet moment (no
 * I/O for BATCH_QUIET_MS), so sending it does not delay a keystroke's echo; past
 * BATCH_MAX_MS it goes regardless. With the recorder's 50 ms flush tick, what arrived is on
 * disk within 100 ms.
 */
export const BATCH_DUE_MS = 20;
export const BATCH_QUIET_MS = 1;
export const BATCH_MAX_MS = 40;
export const BATCH_MAX_BYTES = 512 * 1024;
/**
 * Batches are segments of one shared buffer, used in turn: batch n is segment n % POOL, free
 * again once the main thread acknowledged it. Nothing is allocated, transferred or collected
 * per batch. One more segment than can be in flight is the one being filled; one spare lets a
 * keystroke be sent while output is throttled.
 */
export const POOL_SEGMENTS = MAX_IN_FLIGHT + 2;

export interface ProxyStart {
  master: number;
  input: number;
  output: number;
  /** Read end of a pipe: a byte written to it wakes the worker's poll. */
  wake: number;
  captureInput: boolean;
  control: SharedArrayBuffer;
  /** POOL_SEGMENTS × BATCH_MAX_BYTES: the batches' bytes. */
  pool: SharedArrayBuffer;
  /** Keystrokes the main thread had not written yet. */
  pendingInput: Uint8Array[];
}

/**
 * What the proxy saw, with the absolute time (timeOrigin + now, ms) it saw it: bytes
 * [start, end) of its batch's segment.
 */
export type ProxyItem =
  | { kind: "output"; at: number; start: number; end: number }
  | { kind: "input"; at: number; start: number; end: number; secret: boolean };

export type ProxyWorkerMessage =
  | { type: "ready" }
  | { type: "batch"; segment: number; items: ProxyItem[] }
  | { type: "end" }
  | { type: "failed"; message: string };
