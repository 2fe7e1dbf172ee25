/**
 * The recorder's side: prepareTracing() when recording starts, beforeSpawn() right before the
 * command is spawned (seccomp: the filter goes on this process, see install.ts), start() with
 * the command's pid, stop() when it has ended.
 */
import { workerModuleUrl } from "../core/worker_url.ts";
import { cString, EBUSY, O_CLOEXEC, supervisorLib } from "./libc.ts";
import { installFilter } from "./install.ts";
import { spawnDrainer } from "./drain.ts";
import { batchingOutput, type TraceMessage } from "./output.ts";
import { readStatus } from "./procfs.ts";
import { type LoopEnd, SeccompLoop, type SessionFacts } from "./seccomp_supervisor.ts";
import { filterCount, type FilterMark, lastPid, mayCarryFilter } from "./survivors.ts";
import {
  type ExitEvent,
  type TraceHandlers,
  type TraceMode,
  type TraceNotice,
  wallClock,
} from "./types.ts";
import type { WorkerMessage, WorkerStart } from "./trace_worker.ts";

/**
 * ptrace is not offered; see the comment in mod.ts. Asking for it falls back to proc.
 */
const PTRACE_FALLBACK: TraceNotice = {
  kind: "fallback",
  message:
    "process_info: ptrace mode is not available (the recorder's own waitpid would take the traced shell's stops); falling back to --process-info=proc",
};

const NESTED: TraceNotice = {
  kind: "nested",
  message:
    "process_info: this session runs inside another traced session (seccomp listener busy); recording without process_info",
};

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  3: "ESRCH",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  22: "EINVAL",
  38: "ENOSYS",
  95: "EOPNOTSUPP",
};

/**
 * When a pty session's loop moves to a Worker: later than the terminal proxy's (30 ms), so the
 * two Workers' start-ups (each blocks the main thread ~15 ms) do not add up in one stall.
 */
const HANDOVER_AFTER_MS = 50;
/**
 * ...and only once the session has started this many programs: a Worker costs ~15 ms of the
 * main thread to start and ~40 MB of memory, which sessions that exec little (a `cat` of a big
 * file, an editor) never win back.
 */
const HANDOVER_AFTER_MESSAGES = 16;
const HANDOVER_RECHECK_MS = 250;

/** How long stop() waits for a supervisor Worker to send its last events. */
const STOP_TIMEOUT_MS = 2000;

export interface SpawnOptions {
  /**
   * The spawn blocks this thread until the command's exec has been answered (Deno.Command):
   * a Worker answers instead of this thread's event loop. Not needed for a spawn that awaits
   * (src/pty's spawnInPty runs on a pool thread).
   */
  blocking?: boolean;
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

export interface TraceSession {
  /** The mode in effect after fallbacks. */
  mode: TraceMode;
  /**
   * Ends tracing after the last events are delivered. `topExit` is the top command's status as
   * the recorder's waitpid saw it: its exit event then always carries it. In seccomp mode this
   * process stays under the filter: programs it starts afterwards are let through by the
   * drainer when one was needed, else their exec fails (ENOSYS). Start nothing after stop().
   */
  stop(topExit?: { code?: number; signal?: number }): Promise<void>;
}

export interface TracePrep {
  /** The mode asked for. */
  readonly requested: TraceMode;
  /**
   * seccomp: installs the filter on this process, synchronously; call it right before the
   * spawn (after it, every program this process starts is traced). Other modes: nothing.
   */
  beforeSpawn(options?: SpawnOptions): void;
  /** Observes the command spawned after beforeSpawn(); notices so far reach `handlers` now. */
  start(pid: number, handlers: TraceHandlers, options?: StartOptions): TraceSession;
  /** The spawn failed: lets go of the filter's listener (later execs here fail, ENOSYS). */
  cancel(): void;
}

/** Call when recording starts: cheap, checks only what can be known before the spawn. */
export function prepareTracing(mode: TraceMode): TracePrep {
  return new Prep(mode);
}

type Effective = "seccomp" | "proc" | "off";

class Prep implements TracePrep {
  #effective: Effective;
  #notices: TraceNotice[] = [];
  #installed = false;
  #listener = -1;
  #mark: FilterMark = { lastPid: 0, filters: 0 };
  #stopPipe = new Int32Array([-1, -1]);
  #loop: SeccompLoop | undefined;
  #loopEnd: Promise<LoopEnd | "failed"> | undefined;
  /** Stops the main thread's loop (to end, or to hand over to the Worker). */
  #loopStop = new Int32Array([-1, -1]);
  /** Exec and exit messages the main loop has handled (the handover waits for enough). */
  #messagesSeen = 0;
  #handover: Promise<void> | undefined;
  #finishing = Promise.withResolvers<"finishing">();
  /** finish() has begun: no handover starts from then on. */
  #finishingNow = false;
  /** Element 0 set: the Worker lets execs through unrecorded. */
  #control = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  #workerReady = Promise.withResolvers<"ready" | "error">();
  /** The Worker answers notifications (or polls /proc): its failure ends tracing. */
  #workerOwns = false;
  #workerDone = Promise.withResolvers<void>();
  #early: TraceMessage[] = [];
  #deliver: ((batch: TraceMessage[]) => void) | undefined;

  constructor(readonly requested: TraceMode) {
    this.#effective = requested === "seccomp" ? "seccomp" : requested === "off" ? "off" : "proc";
    if (requested === "ptrace") this.#notices.push(PTRACE_FALLBACK);
    if (this.#effective === "seccomp") {
      const why = memoryUnreadable();
      if (why) this.#fallback(why);
    }
  }

  #fallback(reason: string): void {
    this.#notices.push({
      kind: "fallback",
      message: `process_info: ${reason}; falling back to --process-info=proc`,
    });
    this.#effective = "proc";
  }

  beforeSpawn(options: SpawnOptions = {}): void {
    if (this.#effective !== "seccomp" || this.#installed) return;
    this.#installed = true;
    const before = lastPid();
    const result = installFilter();
    if ("errno" in result) {
      if (result.errno === EBUSY) {
        this.#notices.push(NESTED);
        this.#effective = "off";
      } else {
        const name = ERRNO_NAMES[result.errno] ?? result.errno;
        this.#fallback(`seccomp exec tracing is unavailable (${name})`);
      }
      return;
    }
    this.#listener = result.listener;
    this.#mark = { lastPid: before, filters: filterCount("self") };
    const c = supervisorLib();
    if (c.pipe2(new Uint8Array(this.#stopPipe.buffer), O_CLOEXEC) !== 0) {
      // Nobody could be told to stop: let execs fail (ENOSYS) rather than wait forever.
      c.close(this.#listener);
      this.#listener = -1;
      this.#effective = "off";
      this.#notices.push({
        kind: "unavailable",
        message: "process_info: cannot create a pipe for the trace supervisor",
      });
      return;
    }
    const self = readStatus(Deno.pid);
    const session: SessionFacts = {
      euid: self?.euid ?? -1,
      groups: self?.groups ?? [],
      noNewPrivs: result.noNewPrivs,
    };
    // Answering starts now: the command's first exec waits for it.
    if (options.blocking) {
      this.#workerOwns = true;
      this.#startWorker().postMessage(
        {
          mode: "seccomp",
          listener: this.#listener,
          stopFd: this.#stopPipe[0],
          session,
        } satisfies WorkerStart,
      );
      return;
    }
    if (c.pipe2(new Uint8Array(this.#loopStop.buffer), O_CLOEXEC) !== 0) this.#loopStop.fill(-1);
    const out = batchingOutput((batch) => this.#receive(batch));
    // The handover check runs on the loop's own wake-ups (its wait times out when one is due).
    let checkAt = this.#loopStop[0] >= 0 ? performance.now() + HANDOVER_AFTER_MS : Infinity;
    const timer = {
      dueAt: () => this.#handover || this.#finishingNow ? Infinity : checkAt,
      fire: () => {
        if (this.#messagesSeen >= HANDOVER_AFTER_MESSAGES) {
          this.#handover = this.#handOver(session);
        } else checkAt = performance.now() + HANDOVER_RECHECK_MS;
      },
    };
    this.#loop = new SeccompLoop({
      listener: this.#listener,
      stopFd: this.#loopStop[0] >= 0 ? this.#loopStop[0] : this.#stopPipe[0],
      session,
      out,
      timer,
    });
    this.#loopEnd = this.#loop.run().catch((error) => {
      this.#failed(error);
      return "failed" as const;
    });
  }

  /**
   * Moves the loop to a Worker, between two notifications: the main loop stops receiving (it
   * answers all it has received first), the kernel queues what comes meanwhile, and the Worker
   * receives from there. If the session ends first, the main loop simply carries on.
   */
  async #handOver(session: SessionFacts): Promise<void> {
    const loop = this.#loop!;
    const worker = this.#startWorker();
    const first = await Promise.race([
      this.#workerReady.promise,
      this.#finishing.promise,
      this.#loopEnd!,
    ]);
    if (first !== "ready") {
      worker.terminate();
      this.#worker = undefined;
      return;
    }
    supervisorLib().write(this.#loopStop[1], cString("x"), 1n);
    const end = await this.#loopEnd;
    if (end === "failed") {
      worker.terminate();
      this.#worker = undefined;
      return;
    }
    this.#loop = undefined;
    this.#loopEnd = undefined;
    this.#workerOwns = true;
    worker.postMessage(
      {
        mode: "seccomp",
        listener: this.#listener,
        stopFd: this.#stopPipe[0],
        session,
        watched: loop.handOff(),
        control: this.#control,
      } satisfies WorkerStart,
    );
  }

  /** A supervisor Worker, told what to do by a WorkerStart message. */
  #startWorker(): Worker {
    const worker = new Worker(workerModuleUrl(import.meta.url, "trace_worker"), {
      type: "module",
    });
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
      const message = event.data;
      if (message.type === "batch") this.#receive(message.batch);
      else if (message.type === "ready") this.#workerReady.resolve("ready");
      else if (!this.#workerOwns) this.#workerReady.resolve("error");
      else {
        if (message.type === "failed") this.#failed(message.message);
        this.#workerDone.resolve();
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      // Before a handover, the main thread's loop just carries on.
      if (!this.#workerOwns) return this.#workerReady.resolve("error");
      this.#failed(event.message);
      this.#workerDone.resolve();
    };
    return worker;
  }

  /**
   * Nobody answers any more: closing the listener makes the session's execs fail (ENOSYS)
   * instead of waiting forever.
   */
  #failed(error: unknown): void {
    this.#receive([{ type: "notice", notice: stopped(error) }]);
    if (this.#listener >= 0) supervisorLib().close(this.#listener);
    this.#listener = -1;
  }

  #receive(batch: TraceMessage[]): void {
    this.#messagesSeen += batch.length;
    if (this.#deliver) this.#deliver(batch);
    else this.#early.push(...batch);
  }

  start(pid: number, handlers: TraceHandlers, options: StartOptions = {}): TraceSession {
    const said = new Set<string>();
    const notice = (n: TraceNotice) => {
      if (said.has(n.kind)) return;
      said.add(n.kind);
      handlers.onNotice(n);
    };
    for (const n of this.#notices) notice(n);
    const trace = new Trace(this, pid, handlers, notice, options);
    this.#deliver = (batch) => trace.deliver(batch);
    const early = this.#early;
    this.#early = [];
    trace.deliver(early);
    if (this.#effective === "proc") {
      supervisorLib().pipe2(new Uint8Array(this.#stopPipe.buffer), O_CLOEXEC);
      this.#workerOwns = true;
      this.#startWorker().postMessage(
        {
          mode: "proc",
          root: pid,
          stopFd: this.#stopPipe[0],
          intervalMs: options.intervalMs,
        } satisfies WorkerStart,
      );
    }
    return { mode: this.#effective, stop: (topExit) => trace.stop(topExit) };
  }

  cancel(): void {
    void this.finish(undefined);
  }

  /**
   * Ends supervision. seccomp: if processes may still be under the filter, a drainer takes the
   * listener first (its own exec is answered here, so this runs while the loop still does).
   */
  async finish(self: string[] | undefined): Promise<void> {
    const c = supervisorLib();
    this.#finishingNow = true;
    this.#finishing.resolve("finishing");
    // A handover under way completes (or gives up) first: one loop answers from then on.
    if (this.#handover) await this.#handover;
    if (this.#loop) this.#loop.recording = false;
    Atomics.store(this.#control, 0, 1);
    if (this.#listener >= 0 && self && mayCarryFilter(this.#mark, [Deno.pid])) {
      await spawnDrainer(this.#listener, self, { ...this.#mark, recorder: Deno.pid });
    }
    for (const fd of [this.#stopPipe[1], this.#loopStop[1]]) {
      if (fd >= 0) c.write(fd, cString("x"), 1n);
    }
    if (this.#loopEnd) await this.#loopEnd;
    if (this.#worker) {
      const timer = setTimeout(() => this.#workerDone.resolve(), STOP_TIMEOUT_MS);
      await this.#workerDone.promise;
      clearTimeout(timer);
      this.#worker.terminate();
    }
    for (const fd of [this.#listener, ...this.#stopPipe, ...this.#loopStop]) {
      if (fd >= 0) c.close(fd);
    }
    this.#listener = -1;
    this.#stopPipe.fill(-1);
    this.#loopStop.fill(-1);
    this.#loopEnd = undefined;
    this.#worker = undefined;
  }
}

function stopped(error: unknown): TraceNotice {
  const message = error instanceof Error ? error.message : String(error);
  return { kind: "unavailable", message: `process_info: tracing stopped: ${message}` };
}

/**
 * Why the traced processes' memory will be unreadable, if it will: Yama ptrace_scope 2 allows
 * it only with CAP_SYS_PTRACE (root), 3 never.
 */
function memoryUnreadable(): string | undefined {
  let scope: number;
  try {
    scope = Number(Deno.readTextFileSync("/proc/sys/kernel/yama/ptrace_scope").trim());
  } catch {
    return undefined;
  }
  if (scope >= 3 || (scope === 2 && Deno.uid() !== 0)) {
    return `cannot read process memory (Yama ptrace_scope is ${scope})`;
  }
  return undefined;
}

class Trace {
  /** When stop() was called: later execs are the drainer's own, or come after the session. */
  #cutoff = Infinity;
  #stopped: Promise<void> | undefined;
  /** The top command's end, held until its status is known. */
  #topExit: ExitEvent | undefined;
  #topReported = false;

  constructor(
    readonly prep: Prep,
    readonly topPid: number,
    readonly handlers: TraceHandlers,
    readonly notice: (n: TraceNotice) => void,
    readonly options: StartOptions,
  ) {}

  deliver(batch: TraceMessage[]): void {
    for (const message of batch) {
      try {
        if (message.type === "notice") this.notice(message.notice);
        else if (message.type === "exit") this.#exit(message.event);
        else if (message.event.time < this.#cutoff) this.handlers.onExec(message.event);
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

  stop(topExit?: { code?: number; signal?: number }): Promise<void> {
    this.#stopped ??= this.#stop(topExit);
    return this.#stopped;
  }

  async #stop(topExit?: { code?: number; signal?: number }): Promise<void> {
    this.#cutoff = wallClock();
    await this.prep.finish(this.options.self);
    if (!this.#topReported && (topExit || this.#topExit)) {
      this.#topReported = true;
      this.handlers.onExit?.({
        time: this.#topExit?.time ?? wallClock(),
        pid: this.topPid,
        ...(topExit ?? {}),
      });
    }
  }
}
