/**
 * The recorder's side: what to spawn (tracedArgv) and the Worker that supervises it
 * (startTracing). Events reach the handlers from Worker messages, so the recorder's loop
 * never waits on a traced process.
 */
import { workerModuleUrl } from "../core/worker_url.ts";
import { cString, O_CLOEXEC, rendezvousLib } from "./libc.ts";
import type { TraceMessage } from "./output.ts";
import { formatLauncherArgs, LAUNCHER_COMMAND } from "./protocol.ts";
import { listenForLauncher, runtimeDir, socketPrefix } from "./rendezvous.ts";
import type { ExitEvent, TraceHandlers, TraceMode, TraceNotice } from "./types.ts";
import type { WorkerMessage, WorkerStart } from "./trace_worker.ts";

/**
 * ptrace is not offered; see the comment in mod.ts. Asking for it falls back to proc.
 */
const PTRACE_FALLBACK: TraceNotice = {
  kind: "fallback",
  message:
    "process_info: ptrace mode is not available (the recorder's own waitpid would take the traced shell's stops); falling back to --process-info=proc",
};

/** How long stop() waits for the Worker to send its last events. */
const STOP_TIMEOUT_MS = 2000;

/**
 * argv to spawn in place of `target`: the launcher for seccomp, the command itself otherwise.
 * Also starts the supervisor Worker, so that its start-up overlaps the launcher's (it ends by
 * itself after 15 s if startTracing never comes).
 */
/**
 * argv to spawn in place of `target`. With `exec`, the launcher runs that file (already
 * resolved by the caller, e.g. the real program behind a shim) with `target` as its argv.
 */
export function tracedArgv(
  mode: TraceMode,
  target: string[],
  self: string[],
  exec?: string,
): string[] {
  if (mode !== "off") prewarmed ??= createWorker();
  if (mode !== "seccomp") return target;
  const dir = runtimeDir();
  // Without a rendezvous the launcher would only cost start-up: run the command directly and
  // let startTracing say why and fall back.
  if ("error" in dir) return target;
  return [
    ...self,
    LAUNCHER_COMMAND,
    ...formatLauncherArgs({ socket: socketPrefix(dir.dir), exec, target }),
  ];
}

export interface TraceSession {
  /** The mode in effect after fallbacks. */
  mode: TraceMode;
  /**
   * Ends tracing after the last events are delivered. `topExit` is the top command's status as
   * the recorder's waitpid saw it: its exit event then always carries it.
   */
  stop(topExit?: { code?: number; signal?: number }): Promise<void>;
}

export interface StartOptions {
  /** proc mode's scan interval. */
  intervalMs?: number;
  /**
   * How to run ddcoterm (selfCommand()). With it, processes that outlive the recording keep
   * working: a detached drainer answers their execs. Without it, their later execs fail.
   */
  self?: string[];
}

export function startTracing(
  mode: TraceMode,
  launcherPid: number,
  handlers: TraceHandlers,
  options: StartOptions = {},
): Promise<TraceSession> {
  const said = new Set<string>();
  const notice = (n: TraceNotice) => {
    if (said.has(n.kind)) return;
    said.add(n.kind);
    handlers.onNotice(n);
  };
  if (mode === "off") return Promise.resolve({ mode: "off", stop: () => Promise.resolve() });
  let effective: "seccomp" | "proc" = mode === "seccomp" ? "seccomp" : "proc";
  if (mode === "ptrace") notice(PTRACE_FALLBACK);
  let listen: { fd: number; path: string } | undefined;
  if (effective === "seccomp") {
    // Synchronously, before any await: the launcher is already starting and will connect.
    const dir = runtimeDir();
    const result = "error" in dir ? dir : listenForLauncher(dir.dir, launcherPid);
    if ("error" in result) {
      notice({
        kind: "fallback",
        message: `process_info: ${result.error}; falling back to --process-info=proc`,
      });
      effective = "proc";
    } else listen = result;
  }
  return new WorkerTrace(handlers, notice, launcherPid).start({
    mode: effective,
    launcherPid,
    listenFd: listen?.fd ?? -1,
    socketPath: listen?.path ?? "",
    stopFd: -1,
    intervalMs: options.intervalMs,
    self: options.self,
  });
}

/** The Worker, started by tracedArgv so that its start-up overlaps the launcher's. */
let prewarmed: Worker | undefined;

function createWorker(): Worker {
  return new Worker(workerModuleUrl(import.meta.url, "trace_worker"), { type: "module" });
}

class WorkerTrace {
  #worker: Worker | undefined;
  #stopPipe = new Int32Array([-1, -1]);
  #listener = -1;
  #listenFd = -1;
  #socketPath = "";
  #done = Promise.withResolvers<void>();
  #finished = false;
  /** The top command's end, held until its status is known. */
  #topExit: ExitEvent | undefined;
  #topReported = false;

  constructor(
    readonly handlers: TraceHandlers,
    readonly notice: (n: TraceNotice) => void,
    readonly topPid: number,
  ) {}

  start(config: WorkerStart): Promise<TraceSession> {
    this.#listenFd = config.listenFd;
    this.#socketPath = config.socketPath;
    const c = rendezvousLib();
    if (c.pipe2(new Uint8Array(this.#stopPipe.buffer), O_CLOEXEC) !== 0) {
      throw new Error("Cannot create a pipe for the trace supervisor");
    }
    const ready = Promise.withResolvers<TraceSession>();
    const worker = prewarmed ?? createWorker();
    prewarmed = undefined;
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === "mode") {
        ready.resolve({ mode: message.mode, stop: (topExit) => this.stop(topExit) });
      } else if (message.type === "listener") this.#listener = message.fd;
      else if (message.type === "accepted") this.#closeRendezvous();
      else if (message.type === "batch") this.#deliver(message.batch);
      else if (message.type === "failed") this.#fail(message.message);
      else this.#finish();
      if (message.type === "failed" || message.type === "done") {
        ready.resolve({ mode: "off", stop: (topExit) => this.stop(topExit) });
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.#fail(event.message);
      ready.resolve({ mode: "off", stop: (topExit) => this.stop(topExit) });
    };
    worker.postMessage({ ...config, stopFd: this.#stopPipe[0] });
    return ready.promise;
  }

  #deliver(batch: TraceMessage[]): void {
    for (const message of batch) {
      try {
        if (message.type === "exec") this.handlers.onExec(message.event);
        else if (message.type === "notice") this.notice(message.notice);
        else this.#exit(message.event);
      } catch {
        // A failing handler must not stop the others or the trace.
      }
    }
  }

  #exit(event: ExitEvent): void {
    if (event.pid !== this.topPid) return this.handlers.onExit?.(event);
    if (this.#topReported) return;
    if (event.code === undefined && event.signal === undefined) {
      this.#topExit = event;
      return;
    }
    this.#topReported = true;
    this.handlers.onExit?.(event);
  }

  /** Closing it also tells a launcher still waiting that nobody will answer. */
  #closeRendezvous(): void {
    if (this.#listenFd < 0) return;
    rendezvousLib().close(this.#listenFd);
    rendezvousLib().unlink(cString(this.#socketPath));
    this.#listenFd = -1;
  }

  #fail(message: string): void {
    this.notice({ kind: "unavailable", message: `process_info: tracing stopped: ${message}` });
    // A listener nobody answers would hold every later exec of the session: close it, so they
    // fail instead of hanging.
    if (this.#listener >= 0) rendezvousLib().close(this.#listener);
    this.#listener = -1;
    this.#closeRendezvous();
    this.#finish();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#worker?.terminate();
    this.#closeRendezvous();
    const c = rendezvousLib();
    for (const fd of this.#stopPipe) if (fd >= 0) c.close(fd);
    this.#stopPipe.fill(-1);
    this.#done.resolve();
  }

  async stop(topExit?: { code?: number; signal?: number }): Promise<void> {
    if (!this.#finished) {
      rendezvousLib().write(this.#stopPipe[1], cString("x"), 1n);
      const timer = setTimeout(() => this.#finish(), STOP_TIMEOUT_MS);
      await this.#done.promise;
      clearTimeout(timer);
    }
    if (!this.#topReported && (topExit || this.#topExit)) {
      this.#topReported = true;
      this.handlers.onExit?.({
        time: this.#topExit?.time ?? performance.timeOrigin + performance.now(),
        pid: this.topPid,
        ...(topExit ?? {}),
      });
    }
  }
}
