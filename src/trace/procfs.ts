/** Reading /proc through the supervisor's own libc calls: no op overhead per small file. */
import { cString, O_CLOEXEC, O_RDONLY, supervisorLib } from "./libc.ts";

export interface ProcStatus {
  tgid: number;
  ppid: number;
  uid: number;
  euid: number;
  egid: number;
  groups: number[];
  noNewPrivs: boolean;
}

export interface ProcStat {
  state: string;
  ppid: number;
  startTime: number;
  /** Randomised on each exec (ASLR), copied by fork: tells an exec from a fork. */
  startStack: number;
  /** The wait status, meaningful once the process is a zombie. */
  exitCode: number;
}

const decoder = new TextDecoder();
const scratch = new Uint8Array(8192);

/** The text of a small /proc file, or null. */
export function readProcFile(path: string): string | null {
  const c = supervisorLib();
  const fd = c.open(cString(path), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) return null;
  let length = 0;
  while (length < scratch.length) {
    const n = Number(c.read(fd, scratch.subarray(length), BigInt(scratch.length - length)));
    if (n <= 0) break;
    length += n;
  }
  c.close(fd);
  return length > 0 ? decoder.decode(scratch.subarray(0, length)) : null;
}

const linkBuffer = new Uint8Array(4096);

/** The target of a symbolic link, or null. */
export function readLink(path: string): string | null {
  const n = Number(supervisorLib().readlink(cString(path), linkBuffer, BigInt(linkBuffer.length)));
  return n > 0 ? decoder.decode(linkBuffer.subarray(0, n)) : null;
}

export function parseStatus(text: string): ProcStatus {
  const field = (name: string): string => {
    const start = text.indexOf(`\n${name}:`);
    if (start < 0) return "";
    const end = text.indexOf("\n", start + 1);
    return text.slice(start + name.length + 2, end < 0 ? undefined : end).trim();
  };
  const ids = (name: string) => field(name).split(/\s+/).filter(Boolean).map(Number);
  const [uid = -1, euid = -1] = ids("Uid");
  const [, egid = -1] = ids("Gid");
  return {
    tgid: Number(field("Tgid")),
    ppid: Number(field("PPid")),
    uid,
    euid,
    egid,
    groups: ids("Groups"),
    noNewPrivs: field("NoNewPrivs") === "1",
  };
}

export function readStatus(pid: number): ProcStatus | null {
  const text = readProcFile(`/proc/${pid}/status`);
  return text === null ? null : parseStatus(`\n${text}`);
}

/** Parses /proc/PID/stat; the command name may hold spaces and parentheses. */
export function parseStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  if (close < 0) return null;
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 (state) of proc(5).
  const at = (n: number) => Number(fields[n - 3] ?? 0);
  return {
    state: fields[0],
    ppid: at(4),
    startTime: at(22),
    startStack: at(28),
    exitCode: at(52),
  };
}

export function readStat(pid: number): ProcStat | null {
  const text = readProcFile(`/proc/${pid}/stat`);
  return text === null ? null : parseStat(text);
}

/** Decodes a wait status into a code or a signal. */
export function decodeExitStatus(status: number): { code?: number; signal?: number } {
  const signal = status & 0x7f;
  return signal === 0 ? { code: (status >> 8) & 0xff } : { signal };
}

/**
 * How an ended process ended, where still observable: the kernel keeps it for a pidfd once the
 * parent has reaped (PIDFD_INFO_EXIT), /proc shows it while it is a zombie. Asked in that
 * order and again, because the reap can fall between the two reads.
 */
export function endStatus(
  pid: number,
  pidfd: number,
  kept: (pidfd: number) => number | undefined,
): { code?: number; signal?: number } {
  const reaped = pidfd >= 0 ? kept(pidfd) : undefined;
  if (reaped !== undefined) return decodeExitStatus(reaped);
  const zombie = zombieStatus(pid);
  if (zombie) return zombie;
  const late = pidfd >= 0 ? kept(pidfd) : undefined;
  return late === undefined ? {} : decodeExitStatus(late);
}

/** The end of a process that has exited, if it is still a zombie (its parent has not reaped it). */
export function zombieStatus(pid: number): { code?: number; signal?: number } | undefined {
  const stat = readStat(pid);
  return stat?.state === "Z" ? decodeExitStatus(stat.exitCode) : undefined;
}

/** argv from /proc/PID/cmdline (NUL-separated), or null when the process is gone. */
export function readCmdline(pid: number): string[] | null {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(`/proc/${pid}/cmdline`);
  } catch {
    return null;
  }
  const parts = decoder.decode(bytes).split("\0");
  if (parts.at(-1) === "") parts.pop();
  return parts;
}

/** Joins a possibly relative path onto `base` and removes "." and ".." lexically. */
export function absolutePath(path: string, base: string): string {
  const joined = path.startsWith("/") ? path : `${base}/${path}`;
  const parts: string[] = [];
  for (const part of joined.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}
