/**
 * The supervisor Worker, with blocking libc calls on its own thread: the /proc poller, or the
 * seccomp loop (from the start when the spawn blocks the recorder's main thread, else taken
 * over from the main thread's loop; see seccomp_supervisor.ts). The recorder's thread only
 * receives batches of events.
 */
import { supervisorLib } from "./libc.ts";
import { batchingOutput, type TraceMessage } from "./output.ts";
import { superviseProc } from "./proc_supervisor.ts";
import { SeccompLoop, type SessionFacts } from "./seccomp_supervisor.ts";

const IDLE_TIMEOUT_MS = 15000;
/** Events are sent to the recorder at most this often: each message wakes its thread. */
const FLUSH_INTERVAL_MS = 10;

export type WorkerStart =
  | { mode: "proc"; root: number; stopFd: number; intervalMs?: number }
  | {
    mode: "seccomp";
    listener: number;
    stopFd: number;
    session: SessionFacts;
    /** Taken over from the main thread's loop: processes it watched (pid, pidfd). */
    watched?: [number, number][];
    control?: Int32Array;
  };

/** Worker → recorder. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "batch"; batch: TraceMessage[] }
  | { type: "done" }
  | { type: "failed"; message: string };

// deno-lint-ignore no-explicit-any
const scope = self as any as {
  onmessage: ((event: MessageEvent<WorkerStart>) => void) | null;
  postMessage(message: WorkerMessage): void;
  close(): void;
};

function run(start: WorkerStart): void {
  const out = batchingOutput((batch) => scope.postMessage({ type: "batch", batch }));
  if (start.mode === "seccomp") {
    new SeccompLoop({ ...start, out, flushIntervalMs: FLUSH_INTERVAL_MS }).runBlocking();
  } else {
    superviseProc({ root: start.root, stopFd: start.stopFd, out, intervalMs: start.intervalMs });
  }
}

// If no session follows (the spawn failed), do not keep the recorder's process alive.
const idle = setTimeout(() => scope.close(), IDLE_TIMEOUT_MS);

scope.onmessage = (event) => {
  clearTimeout(idle);
  scope.onmessage = null;
  try {
    run(event.data);
    scope.postMessage({ type: "done" });
  } catch (error) {
    scope.postMessage({
      type: "failed",
      message: error instanceof Error ? error.message : String(error),
    });
  }
};

// Bound now, so a loop taken over starts answering at once.
supervisorLib();
scope.postMessage({ type: "ready" });
