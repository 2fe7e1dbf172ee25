/**
 * The seccomp notification loop. In a pty session it starts on the recorder's main thread (the
 * wait, poll, on a libc pool thread, the rest synchronously between two turns of the event
 * loop) and moves to a Worker once the session has lasted a little (supervisor.ts): creating a
 * Worker blocks the creating thread for about 15 ms, which short commands should not pay, but
 * a Worker doing blocking calls answers faster and does not wait for a busy event loop. When
 * the spawn itself blocks the main thread (Deno.Command), a Worker answers from the start.
 *
 * For each notification: read path and argv from the caller's memory, cwd and ids from /proc,
 * check the notification is still valid (the pid could have died and been reused while we
 * read), let the exec continue, then decide whether it could have run (PATH search attempts
 * name files that do not exist) and record it.
 */
import { findExecSyscall } from "./bpf.ts";
import { canExecute, fileFacts, wouldElevate } from "./executable.ts";
import {
  EINTR,
  errno,
  POLLERR,
  POLLHUP,
  POLLIN,
  POLLNVAL,
  supervisorLib,
  waitLib,
} from "./libc.ts";
import { RemoteMemory } from "./memory.ts";
import type { TraceOutput } from "./output.ts";
import { exitStatus, type PidInfo, pidInfo } from "./pidfd.ts";
import { absolutePath, endStatus, readLink, readStatus } from "./procfs.ts";
import { wallClock } from "./types.ts";

const NOTIF_RECV = 0xc0502100n;
const NOTIF_SEND = 0xc0182101n;
const NOTIF_ID_VALID = 0x40082102n;
const FLAG_CONTINUE = 1;
const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;

export interface SeccompLoopOptions {
  listener: number;
  session: SessionFacts;
  /** Readable when the recorder asks the loop to end. */
  stopFd: number;
  out: TraceOutput;
  /** Events wait at most this long before they are sent (0: at every wake-up). */
  flushIntervalMs?: number;
  /** Processes already watched (pid, pidfd), from the loop this one takes over from. */
  watched?: [number, number][];
  /** Shared with the recorder: element 0 non-zero lets execs through unrecorded. */
  control?: Int32Array;
  /**
   * run() only: `fire` is called on the first wake-up at or after `dueAt()` (a
   * performance.now() time; Infinity: not due), and the wait never lasts past it. A timer
   * without setTimeout, whose first use costs the process ~4 ms of start-up.
   */
  timer?: { dueAt(): number; fire(): void };
}

/** Why the loop ended: every traced process is gone, or the recorder asked. */
export type LoopEnd = "finished" | "stopped";

/** The loop; `recording` false lets execs through unrecorded (while a session winds down). */
export class SeccompLoop {
  #recording = true;
  #handler: NotificationHandler;
  #exits: ExitWatch;
  #listenerGone = false;
  #flushAt = Infinity;

  constructor(readonly options: SeccompLoopOptions) {
    this.#handler = new NotificationHandler(options.listener, options.out, options.session);
    this.#exits = new ExitWatch(options.out);
    for (const [pid, pidfd] of options.watched ?? []) this.#exits.watch(pid, pidfd);
  }

  get recording(): boolean {
    const control = this.options.control;
    return this.#recording && (control === undefined || Atomics.load(control, 0) === 0);
  }

  set recording(value: boolean) {
    this.#recording = value;
  }

  /** Gives up the watched processes' pidfds (to the loop taking over); call after run() ends. */
  handOff(): [number, number][] {
    return this.#exits.handOff();
  }

  /** Answers notifications until the stop fd is readable or every traced process is gone. */
  async run(): Promise<LoopEnd> {
    const { timer } = this.options;
    while (true) {
      const fds = this.#pollSet();
      const due = timer ? timer.dueAt() : Infinity;
      const timeout = due === Infinity ? -1 : Math.max(0, Math.ceil(due - performance.now()));
      const end = this.#after(await waitLib().poll(fds, BigInt(fds.length / 8), timeout), fds);
      if (end) return end;
      if (timer && performance.now() >= timer.dueAt()) timer.fire();
    }
  }

  /** The same with blocking waits, for a Worker (when the spawn blocks the main thread). */
  runBlocking(): LoopEnd {
    while (true) {
      const fds = this.#pollSet();
      const timeout = this.#flushAt === Infinity
        ? -1
        : Math.max(0, Math.ceil(this.#flushAt - performance.now()));
      const rc = supervisorLib().poll(fds, BigInt(fds.length / 8), timeout);
      if (rc < 0 && errno() !== EINTR) {
        throw new Error(`Cannot wait for exec notifications: errno ${errno()}`);
      }
      const end = this.#after(rc, fds);
      if (end) return end;
    }
  }

  #pollSet(): Uint8Array {
    return this.#exits.pollSet(
      this.#listenerGone ? -1 : this.options.listener,
      this.options.stopFd,
    );
  }

  #after(rc: number, fds: Uint8Array): LoopEnd | undefined {
    // rc < 0: EINTR (a pool thread's errno is out of reach; a bad set would fail again at once).
    if (rc <= 0) return this.#flush(false);
    const view = new DataView(fds.buffer);
    const revents = (i: number) => view.getInt16(i * 8 + 6, true);
    if (revents(0) & POLLIN) this.#answerAll();
    else if (revents(0) & (POLLHUP | POLLERR | POLLNVAL)) this.#listenerGone = true;
    for (let i = 2; i < fds.length / 8; i++) {
      if (revents(i) & POLLIN) this.#exits.ended(view.getInt32(i * 8, true));
    }
    const stopped = (revents(1) & (POLLIN | POLLHUP)) !== 0;
    const finished = this.#listenerGone && this.#exits.size === 0;
    this.#flush(stopped || finished);
    return stopped ? "stopped" : finished ? "finished" : undefined;
  }

  /** Sends events now or schedules it: each message to another thread wakes that thread. */
  #flush(now: boolean): undefined {
    const { out, flushIntervalMs = 0 } = this.options;
    if (out.pending === 0) return;
    if (now || flushIntervalMs === 0 || performance.now() >= this.#flushAt) {
      out.flush();
      this.#flushAt = Infinity;
    } else if (this.#flushAt === Infinity) this.#flushAt = performance.now() + flushIntervalMs;
  }

  /** Every notification waiting now: one wake-up serves a burst of execs. */
  #answerAll(): void {
    const { listener } = this.options;
    const recording = this.recording;
    do {
      const exec = this.#handler.handle(recording);
      if (exec) this.#exits.watch(exec.pid, exec.pidfd);
    } while (this.#pending(listener));
  }

  #one = new Uint8Array(8);
  #oneView = new DataView(this.#one.buffer);

  /** Whether another notification waits (poll without waiting, no allocation). */
  #pending(listener: number): boolean {
    this.#oneView.setInt32(0, listener, true);
    this.#oneView.setInt32(4, POLLIN, true);
    return supervisorLib().poll(this.#one, 1n, 0) > 0 &&
      (this.#oneView.getInt16(6, true) & POLLIN) !== 0;
  }
}

/** A pidfd per process that exec'd, to report its end and, where kept, its status. */
class ExitWatch {
  #pidfds = new Map<number, number>(); // pidfd → pid
  #pids = new Set<number>();
  #fds: Uint8Array | undefined;
  #fdsFor = -2;

  constructor(readonly out: TraceOutput) {}

  get size(): number {
    return this.#pidfds.size;
  }

  /** Takes ownership of `pidfd` (closed when `pid` is already watched). */
  watch(pid: number, pidfd: number): void {
    if (pidfd < 0) pidfd = supervisorLib().pidfd_open(pid, 0);
    else if (this.#pids.has(pid)) {
      supervisorLib().close(pidfd);
      return;
    }
    if (pidfd < 0 || this.#pids.has(pid)) return;
    this.#pidfds.set(pidfd, pid);
    this.#pids.add(pid);
    this.#fds = undefined;
  }

  handOff(): [number, number][] {
    const all = [...this.#pidfds].map(([pidfd, pid]) => [pid, pidfd] as [number, number]);
    this.#pidfds.clear();
    this.#pids.clear();
    this.#fds = undefined;
    return all;
  }

  ended(pidfd: number): void {
    const pid = this.#pidfds.get(pidfd);
    if (pid === undefined) return;
    this.out.exit({ time: wallClock(), pid, ...endStatus(pid, pidfd, exitStatus) });
    supervisorLib().close(pidfd);
    this.#pidfds.delete(pidfd);
    this.#pids.delete(pid);
    this.#fds = undefined;
  }

  /** pollfd array: the listener, the stop fd, then every pidfd. */
  pollSet(listener: number, stopFd: number): Uint8Array {
    if (this.#fds && this.#fdsFor === listener) return this.#fds;
    const fds = [listener, stopFd, ...this.#pidfds.keys()];
    const buffer = new Uint8Array(fds.length * 8);
    const view = new DataView(buffer.buffer);
    fds.forEach((fd, i) => {
      view.setInt32(i * 8, fd, true);
      view.setInt16(i * 8 + 4, POLLIN, true);
    });
    this.#fds = buffer;
    this.#fdsFor = listener;
    return buffer;
  }
}

interface Seen {
  ids: PidInfo;
  /** A pidfd on the process, or -1; handed to ExitWatch when the exec is recorded. */
  pidfd: number;
  path: string;
  argv: string[];
  truncated: boolean;
  cwd: string;
}

class NotificationHandler {
  #notification = new Uint8Array(80);
  #view = new DataView(this.#notification.buffer);
  #response = new Uint8Array(24);
  #responseView = new DataView(this.#response.buffer);
  #id = new Uint8Array(8);
  #idView = new DataView(this.#id.buffer);
  #elevationNoticed = false;
  #unreadableNoticed = false;

  constructor(
    readonly listener: number,
    readonly out: TraceOutput,
    readonly session: SessionFacts,
  ) {}

  /**
   * Answers one notification; returns the exec that happened (pid and pidfd), else null.
   * Everything an exec replaces (memory) or a running program could change at once (cwd, fd
   * table) is read while the caller waits; the file check comes after the answer.
   */
  handle(record = true): { pid: number; pidfd: number } | null {
    const c = supervisorLib();
    this.#notification.fill(0);
    // ENOENT: the caller died before we took it. Nothing to answer.
    if (c.ioctl(this.listener, NOTIF_RECV, this.#notification) !== 0) return null;
    const id = this.#view.getBigUint64(0, true);
    let seen: Seen | null = null;
    try {
      if (record) seen = this.#read();
    } catch {
      // Whatever went wrong reading, the caller must get its answer.
    }
    const time = wallClock();
    this.#idView.setBigUint64(0, id, true);
    const valid = c.ioctl(this.listener, NOTIF_ID_VALID, this.#id) === 0;
    this.#continue(id);
    if (!seen) return null;
    if (valid && this.#recordSafely(seen, time)) return { pid: seen.ids.tgid, pidfd: seen.pidfd };
    if (seen.pidfd >= 0) c.close(seen.pidfd);
    return null;
  }

  #read(): Seen | null {
    const view = this.#view;
    const tid = view.getUint32(8, true);
    const call = findExecSyscall(view.getUint32(20, true), view.getInt32(16, true) >>> 0);
    if (!call) return null;
    const arg = (i: number) => {
      const value = view.getBigUint64(32 + i * 8, true);
      return call.pointerSize === 4 ? Number(value & 0xffffffffn) : Number(value);
    };
    const at = call.call === "execveat";
    const dirfd = at ? view.getInt32(32, true) : AT_FDCWD;
    const flags = at ? arg(4) : 0;
    const memory = new RemoteMemory(tid);
    let path = memory.path(arg(at ? 1 : 0));
    const argv = memory.argv(arg(at ? 2 : 1), call.pointerSize);
    if (memory.denied) {
      this.#unreadable(tid);
      return null;
    }
    const cwd = readLink(`/proc/${tid}/cwd`);
    const base = dirfd === AT_FDCWD ? cwd : readLink(`/proc/${tid}/fd/${dirfd}`);
    if (path === "" && (flags & AT_EMPTY_PATH) && base !== null) path = base;
    if (path === null || !argv || cwd === null || base === null) return null;
    const process = identify(tid);
    if (!process) return null;
    return {
      ...process,
      path: absolutePath(path, base),
      argv: argv.argv,
      truncated: argv.truncated,
      cwd,
    };
  }

  #recordSafely(seen: Seen, time: number): boolean {
    try {
      return this.#record(seen, time);
    } catch {
      return false;
    }
  }

  /** Records the exec if its file could run; the caller is already on its way. */
  #record(seen: Seen, time: number): boolean {
    const file = fileFacts(seen.path);
    const who = {
      euid: seen.ids.euid,
      egid: seen.ids.egid,
      groups: seen.ids.euid === this.session.euid ? this.session.groups : [],
    };
    if (!file || !canExecute(file, who)) return false;
    if (!this.#elevationNoticed && this.session.noNewPrivs && wouldElevate(seen.path, file, who)) {
      this.#elevationNoticed = true;
      const name = seen.path.slice(seen.path.lastIndexOf("/") + 1);
      this.out.notice({
        kind: "setuid_blocked",
        message:
          `process_info: "${name}" needs privileges (setuid or file capabilities) that process tracing blocks (no_new_privs); to use it, record with --process-info=proc or --process-info=off`,
      });
    }
    this.out.exec({
      time,
      pid: seen.ids.tgid,
      ppid: seen.ids.ppid,
      uid: seen.ids.uid,
      path: seen.path,
      argv: seen.argv,
      cwd: seen.cwd,
      ...(seen.truncated ? { truncated: true } : {}),
    });
    return true;
  }

  #unreadable(tid: number): void {
    if (this.#unreadableNoticed) return;
    this.#unreadableNoticed = true;
    this.out.notice({
      kind: "unavailable",
      message:
        `process_info: cannot read the memory of process ${tid} (ptrace restrictions); execs of such processes are not recorded`,
    });
  }

  #continue(id: bigint): void {
    const view = this.#responseView;
    view.setBigUint64(0, id, true);
    view.setBigInt64(8, 0n, true);
    view.setInt32(16, 0, true);
    view.setUint32(20, FLAG_CONTINUE, true);
    // ENOENT when the caller died meanwhile: nothing to do.
    supervisorLib().ioctl(this.listener, NOTIF_SEND, this.#response);
  }
}

/**
 * Ids and parent of the calling thread's process: through a pidfd where the kernel offers
 * PIDFD_GET_INFO, else from /proc/TID/status (also for a non-leader thread, which has no pidfd).
 */
function identify(tid: number): { ids: PidInfo; pidfd: number } | null {
  const pidfd = supervisorLib().pidfd_open(tid, 0);
  if (pidfd >= 0) {
    const info = pidInfo(pidfd);
    if (info !== null && info !== "unsupported") return { ids: info, pidfd };
    supervisorLib().close(pidfd);
    if (info === null) return null;
  }
  const status = readStatus(tid);
  return status ? { ids: status, pidfd: -1 } : null;
}

/** What holds for the whole traced session. */
export interface SessionFacts {
  euid: number;
  groups: number[];
  /** Set with the filter and inherited by everything in the session. */
  noNewPrivs: boolean;
}
