/**
 * The libc calls exec tracing needs, separate from src/pty's: tracing runs them synchronously
 * on the thread that must own them (prctl and seccomp act on the calling thread; the drainer
 * and the proc Worker block in them on purpose) and reads errno, which a `nonblocking` call on
 * a pool thread cannot. Each group is bound on first use: the drainer pays only for its own.
 */

const ERRNO = { __errno_location: { parameters: [], result: "pointer" } } as const;

const FILE = {
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
} as const;

/** Installing the filter, on the recorder's main thread. */
const INSTALL_SYMBOLS = {
  ...ERRNO,
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  // seccomp(2) has no glibc wrapper in 2.36: syscall(SYS_seccomp, op, flags, args).
  syscall: { parameters: ["i64", "i64", "i64", "buffer"], result: "i64" },
} as const;

/** The supervisor: notifications, process memory, file checks. */
const SUPERVISOR_SYMBOLS = {
  ...ERRNO,
  ...FILE,
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  process_vm_readv: {
    parameters: ["i32", "buffer", "u64", "buffer", "u64", "u64"],
    result: "isize",
  },
  openat: { parameters: ["i32", "buffer", "i32", "u32"], result: "i32" },
  readlinkat: { parameters: ["i32", "buffer", "buffer", "usize"], result: "isize" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  readlink: { parameters: ["buffer", "buffer", "usize"], result: "isize" },
  statx: { parameters: ["i32", "buffer", "i32", "u32", "buffer"], result: "i32" },
  getxattr: { parameters: ["buffer", "buffer", "buffer", "usize"], result: "isize" },
  pidfd_open: { parameters: ["i32", "u32"], result: "i32" },
} as const;

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
const DRAIN_SYMBOLS = {
  ...ERRNO,
  poll: FILE.poll,
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
} as const;

type Symbols<S extends Deno.ForeignLibraryInterface> = Deno.DynamicLibrary<S>["symbols"];

let install: Symbols<typeof INSTALL_SYMBOLS> | undefined;
let supervisor: Symbols<typeof SUPERVISOR_SYMBOLS> | undefined;
let wait: Symbols<typeof WAIT_SYMBOLS> | undefined;
let spawn: Symbols<typeof SPAWN_SYMBOLS> | undefined;
let drain: Symbols<typeof DRAIN_SYMBOLS> | undefined;
let errnoOf: (() => Deno.PointerValue) | undefined;

export function installLib(): Symbols<typeof INSTALL_SYMBOLS> {
  install ??= Deno.dlopen("libc.so.6", INSTALL_SYMBOLS).symbols;
  errnoOf ??= install.__errno_location;
  return install;
}

export function supervisorLib(): Symbols<typeof SUPERVISOR_SYMBOLS> {
  supervisor ??= Deno.dlopen("libc.so.6", SUPERVISOR_SYMBOLS).symbols;
  errnoOf ??= supervisor.__errno_location;
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

export function drainLib(): Symbols<typeof DRAIN_SYMBOLS> {
  drain ??= Deno.dlopen("libc.so.6", DRAIN_SYMBOLS).symbols;
  errnoOf ??= drain.__errno_location;
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
export const O_DIRECTORY = 0o200000;
export const O_PATH = 0o10000000;
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

export function pointerOf(buffer: BufferSource): bigint {
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
