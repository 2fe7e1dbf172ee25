/**
 * Reads the strings an exec names from the caller's memory while the caller is held at
 * syscall entry. process_vm_readv rather than /proc/PID/mem: no path lookup in a /proc
 * directory that is new for every process (measured: the open alone cost more than the reads).
 * Reads go through windows of up to two pages, so argv and its strings, usually close together,
 * cost one or two calls.
 */
import { EPERM, errno, pointerOf, supervisorLib } from "./libc.ts";
import { MAX_ARGV_BYTES, MAX_ARGV_COUNT, TRUNCATION_MARKER } from "./types.ts";

/** A remote range is read whole or not at all: ranges stay within a page where they can. */
const PAGE = 4096;
const PATH_MAX = 4096;
const decoder = new TextDecoder();

export interface ReadArgv {
  argv: string[];
  truncated: boolean;
}

/**
 * A cached read of the caller's memory: from an address to the end of the next page, in one
 * call. Two remote ranges, each one page at most, so an unmapped next page still leaves the
 * first (the kernel does not split a range, it stops at the first unreadable one).
 */
class Window {
  #buffer = new Uint8Array(2 * PAGE + 16);
  #start = 0;
  #length = 0;
  #pid = 0;
  /** errno of the last failed read. */
  failure = 0;
  #local = new BigUint64Array(2);
  #remote = new BigUint64Array(4);
  #localBytes = new Uint8Array(this.#local.buffer);
  #remoteBytes = new Uint8Array(this.#remote.buffer);

  constructor() {
    this.#local[0] = pointerOf(this.#buffer);
  }

  reset(pid: number): void {
    this.#pid = pid;
    this.#length = 0;
    this.failure = 0;
  }

  /** `need` bytes from `address` if this window holds them (and what follows), else null. */
  holds(address: number, need: number): Uint8Array | null {
    const offset = address - this.#start;
    if (offset < 0 || offset + need > this.#length) return null;
    return this.#buffer.subarray(offset, this.#length);
  }

  /** At least `need` bytes from `address` when mapped; fewer (maybe none) when not. */
  from(address: number, need: number): Uint8Array {
    const cached = this.holds(address, need);
    if (cached) return cached;
    const first = Math.max(need, PAGE - (address % PAGE));
    this.#local[1] = BigInt(first + PAGE);
    this.#remote[0] = BigInt(address);
    this.#remote[1] = BigInt(first);
    this.#remote[2] = BigInt(address + first);
    this.#remote[3] = BigInt(PAGE);
    const n = Number(
      supervisorLib().process_vm_readv(this.#pid, this.#localBytes, 1n, this.#remoteBytes, 2n, 0n),
    );
    if (n < 0) this.failure = errno();
    this.#start = address;
    this.#length = Math.max(0, n);
    return this.#buffer.subarray(0, this.#length);
  }
}

const pointers = new Window();
const strings = new Window();

/** The memory of one process, for one notification (the windows are shared, one at a time). */
export class RemoteMemory {
  #pointers = pointers;
  #strings = strings;

  constructor(pid: number) {
    pointers.reset(pid);
    strings.reset(pid);
  }

  /** A read failed for lack of permission (ptrace restrictions), not for a bad address. */
  get denied(): boolean {
    return pointers.failure === EPERM || strings.failure === EPERM;
  }

  /** The NUL-terminated string at `address`, cut at `max` bytes; null when unmapped. */
  string(address: number, max: number): { value: string; cut: boolean } | null {
    if (address === 0) return null;
    const parts: Uint8Array[] = [];
    let total = 0;
    let at = address;
    while (total <= max) {
      const chunk = this.#pointers.holds(at, 1) ?? this.#strings.from(at, 1);
      if (chunk.length === 0) return total > 0 ? join(parts, max, true) : null;
      const nul = chunk.indexOf(0);
      const piece = nul >= 0 ? chunk.subarray(0, nul) : chunk;
      parts.push(piece.slice());
      total += piece.length;
      if (nul >= 0) return join(parts, max, total > max);
      at += chunk.length;
    }
    return join(parts, max, true);
  }

  /** A pointer of `size` bytes at `address`, or null when unmapped. */
  pointer(address: number, size: 4 | 8): number | null {
    const bytes = this.#strings.holds(address, size) ?? this.#pointers.from(address, size);
    if (bytes.length < size) return null;
    const view = new DataView(bytes.buffer, bytes.byteOffset, size);
    return size === 8 ? Number(view.getBigUint64(0, true)) : view.getUint32(0, true);
  }

  /** The path an exec names (up to PATH_MAX). */
  path(address: number): string | null {
    return this.string(address, PATH_MAX)?.value ?? null;
  }

  /** argv from the pointer array at `address`, cut to the limits with a marker. */
  argv(address: number, pointerSize: 4 | 8): ReadArgv | null {
    if (address === 0) return { argv: [], truncated: false };
    const argv: string[] = [];
    let budget = MAX_ARGV_BYTES;
    for (let i = 0;; i++) {
      const pointer = this.pointer(address + i * pointerSize, pointerSize);
      if (pointer === null) return i === 0 ? null : { argv, truncated: false };
      if (pointer === 0) return { argv, truncated: false };
      if (i >= MAX_ARGV_COUNT || budget <= 0) {
        argv.push(TRUNCATION_MARKER);
        return { argv, truncated: true };
      }
      const read = this.string(pointer, budget);
      if (read === null) return { argv, truncated: false };
      argv.push(read.value);
      budget -= read.value.length + 1;
      if (read.cut) {
        argv.push(TRUNCATION_MARKER);
        return { argv, truncated: true };
      }
    }
  }
}

function join(parts: Uint8Array[], max: number, cut: boolean): { value: string; cut: boolean } {
  const bytes = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { value: decoder.decode(bytes.subarray(0, Math.min(bytes.length, max))), cut };
}
