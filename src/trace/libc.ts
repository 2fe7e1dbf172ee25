/**
 * The libc calls exec tracing needs, separate from src/pty's: tracing runs them synchronously
 * on the thread that must own them (prctl and seccomp act on the calling thread; the drainer
 * and the proc Worker block in them on purpose) and reads errno, which a `nonblocking` call on
 * a pool thread cannot. Bound on first use: the drainer pays only for what it calls.
 */

/**
 * The synchronous calls go through one symbol, syscall(2): each synchronous symbol costs
 * ~0.25 ms of start-up to bind, and the recorder binds these right before its command starts.
 * syscall() sets errno as the wrappers do. Pointers are passed as addresses (pointerOf).
 */
const RAW_SYMBOLS = {
  __errno_location: { parameters: [], result: "pointer" },
  syscall: {
    parameters: ["i64", "u64", "u64", "u64", "u64", "u64", "u64"],
    result: "i64",
  },
} as const;

/** Syscall numbers: x86_64, aarch64 (which has no open, readlink or poll: the *at/ppoll forms). */
const NR = {
  read: [0, 63],
  write: [1, 64],
  close: [3, 57],
  ppoll: [271, 73],
  ioctl: [16, 29],
  pipe2: [293, 59],
  process_vm_readv: [310, 270],
  openat: [257, 56],
  readlinkat: [267, 78],
  statx: [332, 291],
  getxattr: [191, 8],
  pidfd_open: [434, 434],
  prctl: [157, 167],
  seccomp: [317, 277],
} as const;
const ARCH_INDEX = Deno.build.arch === "aarch64" ? 1 : 0;
const AT_FDCWD = -100;

type Arg = number | bigint;
type Raw = (nr: keyof typeof NR, ...args: Arg[]) => number;

let raw: Raw | undefined;
let errnoOf: (() => Deno.PointerValue) | undefined;

function rawCall(): Raw {
  if (raw) return raw;
  const symbols = Deno.dlopen("libc.so.6", RAW_SYMBOLS).symbols;
  errnoOf = symbols.__errno_location;
  const call = symbols.syscall;
  raw = (nr, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0) =>
    Number(call(BigInt(NR[nr][ARCH_INDEX]), big(a), big(b), big(c), big(d), big(e), big(f)));
  return raw;
}

/** As a u64 argument: negative ints (AT_FDCWD, -1) as their two's complement. */
function big(value: Arg): bigint {
  return BigInt.asUintN(64, BigInt(value));
}

function address(buffer: Buffer | null): bigint {
  return buffer === null ? 0n : pointerOf(buffer);
}

type Buffer = ArrayBufferView | ArrayBuffer;

/** poll(2) as ppoll: the timeout in ms, negative for none. */
function makePoll(sys: Raw): (fds: Buffer, n: bigint, timeout: number) => number {
  const timespec = new BigInt64Array(2);
  return (fds, n, timeout) => {
    if (timeout >= 0) {
      timespec[0] = BigInt(Math.floor(timeout / 1000));
      timespec[1] = BigInt((timeout % 1000) * 1_000_000);
    }
    return sys("ppoll", address(fds), n, timeout >= 0 ? pointerOf(timespec) : 0n, 0n, 8n);
  };
}

function makeFile(sys: Raw) {
  return {
    open: (path: Buffer, flags: number, mode: number): number =>
      sys("openat", AT_FDCWD, address(path), flags, mode),
    close: (fd: number): number => sys("close", fd),
    read: (fd: number, buffer: Buffer, n: bigint): number => sys("read", fd, address(buffer), n),
    write: (fd: number, buffer: Buffer, n: bigint): number => sys("write", fd, address(buffer), n),
    poll: makePoll(sys),
  };
}

function makeIoctl(sys: Raw): (fd: number, request: bigint, arg: Buffer) => number {
  return (fd, request, arg) => sys("ioctl", fd, request, address(arg));
}

/** Installing the filter, on the recorder's main thread. */
function makeInstall(sys: Raw) {
  return {
    prctl: (option: number, a: bigint, b: bigint, c: bigint, d: bigint): number =>
      sys("prctl", option, a, b, c, d),
    seccomp: (op: number, flags: number, args: Buffer): number =>
      sys("seccomp", op, flags, address(args)),
  };
}

/** The supervisor: notifications, process memory, file checks. */
function makeSupervisor(sys: Raw) {
  return {
    ...makeFile(sys),
    pipe2: (fds: Buffer, flags: number): number => sys("pipe2", address(fds), flags),
    process_vm_readv: (
      pid: number,
      local: Buffer,
      localCount: bigint,
      remote: Buffer,
      remoteCount: bigint,
      flags: bigint,
    ): number =>
      sys(
        "process_vm_readv",
        pid,
        address(local),
        localCount,
        address(remote),
        remoteCount,
        flags,
      ),
    ioctl: makeIoctl(sys),
    readlink: (path: Buffer, out: Buffer, size: bigint): number =>
      sys("readlinkat", AT_FDCWD, address(path), address(out), size),
    statx: (dirfd: number, path: Buffer, flags: number, mask: number, out: Buffer): number =>
      sys("statx", dirfd, address(path), flags, mask, address(out)),
    getxattr: (path: Buffer, name: Buffer, value: Buffer | null, size: bigint): number =>
      sys("getxattr", address(path), address(name), address(value), size),
    pidfd_open: (pid: number, flags: number): number => sys("pidfd_open", pid, flags),
  };
}
/**
 * The supervisor's waits on the main thread: on a pool thread, so the event loop runs on. The
 * drainer's spawn too: its exec stops at the filter until the loop answers it.
 */
const WAIT_SYMBOLS = {
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
} as const;

/** Preparing the drainer's spawn (drain.ts). */
const SPAWN_SYMBOLS = {
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  posix_spawn_file_actions_addclosefrom_np: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
  },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  sigfillset: { parameters: ["buffer"], result: "i32" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
} as const;

/** The drainer: answer notifications until nobody is left to ask. */
function makeDrain(sys: Raw) {
  return { poll: makePoll(sys), ioctl: makeIoctl(sys) };
}

type Symbols<S extends Deno.ForeignLibraryInterface> = Deno.DynamicLibrary<S>["symbols"];

let install: ReturnType<typeof makeInstall> | undefined;
let supervisor: ReturnType<typeof makeSupervisor> | undefined;
let drain: ReturnType<typeof makeDrain> | undefined;
let wait: Symbols<typeof WAIT_SYMBOLS> | undefined;
let spawn: Symbols<typeof SPAWN_SYMBOLS> | undefined;

export function installLib(): ReturnType<typeof makeInstall> {
  install ??= makeInstall(rawCall());
  return install;
}

export function supervisorLib(): ReturnType<typeof makeSupervisor> {
  supervisor ??= makeSupervisor(rawCall());
  return supervisor;
}

export function waitLib(): Symbols<typeof WAIT_SYMBOLS> {
  wait ??= Deno.dlopen("libc.so.6", WAIT_SYMBOLS).symbols;
  return wait;
}

export function spawnLib(): Symbols<typeof SPAWN_SYMBOLS> {
  spawn ??= Deno.dlopen("libc.so.6", SPAWN_SYMBOLS).symbols;
  return spawn;
}

export function drainLib(): ReturnType<typeof makeDrain> {
  drain ??= makeDrain(rawCall());
  return drain;
}

/** errno of the calling thread; valid right after a failed call from one of the groups above. */
export function errno(): number {
  const ptr = errnoOf?.();
  return ptr ? new Deno.UnsafePointerView(ptr).getInt32() : 0;
}

export const EPERM = 1;
export const EINTR = 4;
export const ENOENT = 2;
export const EAGAIN = 11;
export const EACCES = 13;
export const EBUSY = 16;
export const EINVAL = 22;
export const ENOSYS = 38;

export const O_RDONLY = 0;
export const O_CLOEXEC = 0o2000000;
export const POLLIN = 0x1;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;

const encoder = new TextEncoder();

export function cString(value: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(encoder.encode(value).length + 1);
  encoder.encodeInto(value, bytes);
  return bytes;
}

export function pointerOf(buffer: ArrayBufferView | ArrayBuffer): bigint {
  return BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buffer)));
}

/** A NULL-terminated array of C strings; `keep` owns the strings until the call returns. */
export function cStringArray(
  values: string[],
): { array: Uint8Array<ArrayBuffer>; keep: Uint8Array[] } {
  const keep = values.map(cString);
  const pointers = new BigUint64Array(values.length + 1);
  keep.forEach((buf, i) => pointers[i] = pointerOf(buf));
  return { array: new Uint8Array(pointers.buffer), keep };
}

/** poll(2) on one fd; the revents, 0 on timeout, -1 on error. */
export function pollOne(
  poll: (fds: Uint8Array, n: bigint, timeout: number) => number,
  fd: number,
  timeoutMs: number,
): number {
  const fds = new Uint8Array(8);
  const view = new DataView(fds.buffer);
  view.setInt32(0, fd, true);
  view.setInt16(4, POLLIN, true);
  const rc = poll(fds, 1n, timeoutMs);
  return rc <= 0 ? rc : view.getInt16(6, true);
}
