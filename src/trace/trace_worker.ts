/**
 * The supervisor Worker: the handshake, then the seccomp loop or the /proc poller, all with
 * blocking libc calls on this thread. The recorder's thread only receives batches of events.
 */
import { handshake } from "./handshake.ts";
import { spawnDrainer } from "./drain.ts";
import { POLLHUP, pollOne, supervisorLib } from "./libc.ts";
import { batchingOutput } from "./output.ts";
import { superviseProc } from "./proc_supervisor.ts";
import { readStatus } from "./procfs.ts";
import { superviseSeccomp } from "./seccomp_supervisor.ts";
import type { TraceMode } from "./types.ts";

const IDLE_TIMEOUT_MS = 15000;

export interface WorkerStart {
  mode: "seccomp" | "proc";
  launcherPid: number;
  /** seccomp: the listening rendezvous socket and its path. */
  listenFd: number;
  socketPath: string;
  stopFd: number;
  intervalMs?: number;
  /** How to run ddcoterm, for the drainer that outlives the recording (drain.ts). */
  self?: string[];
}

/** Worker → recorder. */
export type WorkerMessage =
  | { type: "mode"; mode: TraceMode }
  | { type: "listener"; fd: number }
  /** The rendezvous socket is no longer needed: the recorder, which owns it, closes it. */
  | { type: "accepted" }
  | { type: "batch"; batch: import("./output.ts").TraceMessage[] }
  | { type: "done" }
  | { type: "failed"; message: string };

// deno-lint-ignore no-explicit-any
const scope = self as any as {
  onmessage: ((event: MessageEvent<WorkerStart>) => void) | null;
  postMessage(message: WorkerMessage): void;
  close(): void;
};

function run(start: WorkerStart): void {
  const post = (message: WorkerMessage) => scope.postMessage(message);
  const out = batchingOutput((batch) => post({ type: "batch", batch }));
  let mode: TraceMode = start.mode;
  if (mode === "seccomp") {
    const result = handshake(
      start.listenFd,
      start.socketPath,
      start.launcherPid,
      start.stopFd,
      () => post({ type: "accepted" }),
    );
    if (result.kind === "listener") {
      post({ type: "listener", fd: result.fd });
      post({ type: "mode", mode });
      // The launcher waits in its execve: its status shows the no_new_privs it set.
      const launcher = readStatus(start.launcherPid);
      const self = readStatus(Deno.pid);
      const end = superviseSeccomp({
        listener: result.fd,
        stopFd: start.stopFd,
        out,
        session: {
          euid: self?.euid ?? -1,
          groups: self?.groups ?? [],
          noNewPrivs: launcher?.noNewPrivs ?? true,
        },
      });
      if (
        end === "stopped" && start.self && !(pollOne(supervisorLib().poll, result.fd, 0) & POLLHUP)
      ) {
        // Processes of the session live on: someone must keep letting their execs through.
        spawnDrainer(result.fd, start.self);
      }
      supervisorLib().close(result.fd);
      return;
    }
    if (result.kind === "gone") {
      post({ type: "mode", mode });
      return;
    }
    out.notice(result.notice);
    out.flush();
    mode = result.kind === "nested" ? "off" : "proc";
    post({ type: "mode", mode });
    if (mode === "off") return;
  } else {
    post({ type: "mode", mode });
  }
  superviseProc({
    root: start.launcherPid,
    stopFd: start.stopFd,
    out,
    intervalMs: start.intervalMs,
  });
}

// Started early by tracedArgv: if no session follows (the spawn failed), do not keep the
// recorder's process alive.
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
