/**
 * --process-info=proc: polls /proc for the session's descendants. Nothing is installed in the
 * session, so setuid programs (sudo) keep working; the price is that a process that starts and
 * ends between two scans is never seen (PROC_INTERVAL_MS), and argv/path are those of the
 * running image (a script shows as its interpreter with the script as an argument).
 *
 * An exec is told from a fork by the stack start address in /proc/PID/stat: fork copies it,
 * exec randomises it (ASLR). A fork that never execs (a subshell) is therefore not recorded,
 * as in seccomp mode.
 */
import { POLLHUP, POLLIN, pollOne, supervisorLib } from "./libc.ts";
import type { TraceOutput } from "./output.ts";
import { exitStatus } from "./pidfd.ts";
import {
  decodeExitStatus,
  type ProcStat,
  readCmdline,
  readLink,
  readStat,
  readStatus,
} from "./procfs.ts";
import type { LoopEnd } from "./seccomp_supervisor.ts";
import { MAX_ARGV_BYTES, MAX_ARGV_COUNT, TRUNCATION_MARKER, wallClock } from "./types.ts";

/** Scan interval: about 1% of a core on a machine with a few hundred processes. */
export const PROC_INTERVAL_MS = 10;

interface Tracked {
  startTime: number;
  startStack: number;
  /** An exec was reported for this pid (so its end is reported too). */
  execed: boolean;
  ended: boolean;
  /** Keeps the exit status readable after the parent reaps (PIDFD_INFO_EXIT), or -1. */
  pidfd: number;
}

export interface ProcLoopOptions {
  root: number;
  stopFd: number;
  out: TraceOutput;
  intervalMs?: number;
}

export function superviseProc(options: ProcLoopOptions): LoopEnd {
  const scanner = new ProcScanner(options.root, options.out);
  const c = supervisorLib();
  while (true) {
    scanner.scan();
    options.out.flush();
    if (scanner.finished) return "finished";
    const revents = pollOne(c.poll, options.stopFd, options.intervalMs ?? PROC_INTERVAL_MS);
    if (revents > 0 && revents & (POLLIN | POLLHUP)) {
      scanner.scan();
      options.out.flush();
      return "stopped";
    }
  }
}

export class ProcScanner {
  #tracked = new Map<number, Tracked>();
  #unrelated = new Set<number>();
  #rootSeen = false;

  constructor(readonly root: number, readonly out: TraceOutput) {}

  /** The root and every process seen under it are gone. */
  get finished(): boolean {
    return this.#rootSeen && this.#tracked.size === 0;
  }

  scan(): void {
    const listing = listPids();
    const present = new Set(listing);
    for (const pid of this.#unrelated) if (!present.has(pid)) this.#unrelated.delete(pid);
    // Known processes first: a parent's new image must be known before its new children.
    for (const [pid, tracked] of this.#tracked) {
      const stat = present.has(pid) ? readStat(pid) : null;
      if (!stat || stat.startTime !== tracked.startTime) this.#end(pid, tracked, {});
      else if (tracked.ended) continue;
      else if (stat.state === "Z") this.#end(pid, tracked, decodeExitStatus(stat.exitCode), false);
      else if (stat.startStack !== tracked.startStack) {
        tracked.startStack = stat.startStack;
        this.#exec(pid, tracked);
      }
    }

    const fresh = new Map<number, ProcStat>();
    for (const pid of listing) {
      if (this.#tracked.has(pid) || this.#unrelated.has(pid)) continue;
      const stat = readStat(pid);
      if (stat) fresh.set(pid, stat);
    }
    const member = new Map<number, boolean>();
    const isMember = (pid: number, depth = 0): boolean => {
      if (pid === this.root || this.#tracked.has(pid)) return true;
      const known = member.get(pid);
      if (known !== undefined) return known;
      const stat = fresh.get(pid);
      const result = !!stat && depth < 64 && isMember(stat.ppid, depth + 1);
      member.set(pid, result);
      return result;
    };
    // Parents before children, so a child compares its stack with its parent's image.
    const order = [...fresh.keys()].sort((a, b) => depthOf(a, fresh) - depthOf(b, fresh));
    for (const pid of order) {
      const stat = fresh.get(pid)!;
      if (!isMember(pid)) {
        this.#unrelated.add(pid);
        continue;
      }
      const parent = this.#tracked.get(stat.ppid);
      const forkCopy = pid !== this.root && parent?.startStack === stat.startStack;
      const tracked: Tracked = {
        startTime: stat.startTime,
        startStack: stat.startStack,
        execed: false,
        ended: false,
        pidfd: supervisorLib().pidfd_open(pid, 0),
      };
      this.#tracked.set(pid, tracked);
      if (pid === this.root) this.#rootSeen = true;
      if (!forkCopy) this.#exec(pid, tracked);
      if (stat.state === "Z") this.#end(pid, tracked, decodeExitStatus(stat.exitCode), false);
    }
  }

  #exec(pid: number, tracked: Tracked): void {
    const time = wallClock();
    const argv = readCmdline(pid);
    const exe = readLink(`/proc/${pid}/exe`);
    const cwd = readLink(`/proc/${pid}/cwd`);
    const status = readStatus(pid);
    // Gone already, or a kernel thread (no cmdline): nothing to record.
    if (!argv || argv.length === 0 || exe === null || cwd === null || !status) return;
    tracked.execed = true;
    const cut = truncateArgv(argv);
    this.out.exec({
      time,
      pid,
      ppid: status.ppid,
      uid: status.uid,
      path: exe.replace(/ \(deleted\)$/, ""),
      argv: cut.argv,
      cwd,
      ...(cut.truncated ? { truncated: true } : {}),
    });
  }

  /** Reports the end once; the entry goes when the pid vanishes. */
  #end(pid: number, tracked: Tracked, status: { code?: number; signal?: number }, vanished = true) {
    if (!tracked.ended && tracked.execed) {
      const kept = status.code === undefined && status.signal === undefined && tracked.pidfd >= 0
        ? exitStatus(tracked.pidfd)
        : undefined;
      this.out.exit({
        time: wallClock(),
        pid,
        ...(kept === undefined ? status : decodeExitStatus(kept)),
      });
    }
    tracked.ended = true;
    if (!vanished) return;
    if (tracked.pidfd >= 0) supervisorLib().close(tracked.pidfd);
    this.#tracked.delete(pid);
  }
}

function depthOf(pid: number, stats: Map<number, ProcStat>): number {
  let depth = 0;
  for (let at = stats.get(pid); at && depth < 64; at = stats.get(at.ppid)) depth++;
  return depth;
}

function listPids(): number[] {
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    const code = entry.name.charCodeAt(0);
    if (code >= 48 && code <= 57) pids.push(Number(entry.name));
  }
  return pids;
}

export function truncateArgv(argv: string[]): { argv: string[]; truncated: boolean } {
  let budget = MAX_ARGV_BYTES;
  for (let i = 0; i < argv.length; i++) {
    if (i >= MAX_ARGV_COUNT || budget <= 0) {
      return { argv: [...argv.slice(0, i), TRUNCATION_MARKER], truncated: true };
    }
    if (argv[i].length > budget) {
      return {
        argv: [...argv.slice(0, i), argv[i].slice(0, budget), TRUNCATION_MARKER],
        truncated: true,
      };
    }
    budget -= argv[i].length + 1;
  }
  return { argv, truncated: false };
}
