/**
 * The libc calls exec tracing needs, separate from src/pty's: tracing runs them synchronously
 * on the thread that must own them (the launcher's main thread, whose filter and no_new_privs
 * are per thread; the supervisor Worker, which blocks in them on purpose) and reads errno,
 * which a `nonblocking` call on a pool thread cannot. Each group is bound on first use: the
 * launcher pays only for its own symbols.
 */

const ERRNO = { __errno_location: { parameters: [], result: "pointer" } } as const;

const FILE = {
  open: { parameters: ["buffer", "i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
} as const;

const SOCKET = {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  sendmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
  recvmsg: { parameters: ["i32", "buffer", "i32"], result: "isize" },
} as const;

/** The launcher: connect, filter, exec. Only what it calls: each symbol costs start-up. */
const LAUNCHER_SYMBOLS = {
  ...ERRNO,
  close: FILE.close,
  read: FILE.read,
  poll: FILE.poll,
  socket: SOCKET.socket,
  sendmsg: SOCKET.sendmsg,
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  // seccomp(2) has no glibc wrapper in 2.36: syscall(SYS_seccomp, op, flags, args).
  syscall: { parameters: ["i64", "i64", "i64", "buffer"], result: "i64" },
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  signal: { parameters: ["i32", "usize"], result: "usize" },
  sigprocmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  access: { parameters: ["buffer", "i32"], result: "i32" },
} as const;

/** The recorder's main thread: the rendezvous socket and the Worker's stop pipe. */
const RENDEZVOUS_SYMBOLS = {
  ...ERRNO,
  ...FILE,
  ...SOCKET,
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  pipe2: { parameters: ["buffer", "i32"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
} as const;

/** The supervisor Worker: notifications, process memory, file checks. */
const SUPERVISOR_SYMBOLS = {
  ...ERRNO,
  ...FILE,
  ...SOCKET,
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
  accept4: { parameters: ["i32", "buffer", "buffer", "i32"], result: "i32" },
  getsockopt: { parameters: ["i32", "i32", "i32", "buffer", "buffer"], result: "i32" },
  pidfd_open: { parameters: ["i32", "u32"], result: "i32" },
  unlink: { parameters: ["buffer"], result: "i32" },
} as const;

/** The supervisor handing its listener to the drainer (drain.ts). */
const SPAWN_SYMBOLS = {
  posix_spawn: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32" },
  posix_spawn_file_actions_adddup2: { parameters: ["buffer", "i32", "i32"], result: "i32" },
  posix_spawn_file_actions_addclosefrom_np: { parameters: ["buffer", "i32"], result: "i32" },
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
  },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32" },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32" },
  posix_spawnattr_setsigdefault: { parameters: ["buffer", "buffer"], result: "i32" },
  posix_spawnattr_setsigmask: { parameters: ["buffer", "buffer"], result: "i32" },
  sigfillset: { parameters: ["buffer"], result: "i32" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
} as const;

/** The drainer: answer notifications until they stop. */
const DRAIN_SYMBOLS = {
  ...ERRNO,
  poll: FILE.poll,
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
} as const;

type Symbols<S extends Deno.ForeignLibraryInterface> = Deno.DynamicLibrary<S>["symbols"];

let launcher: Symbols<typeof LAUNCHER_SYMBOLS> | undefined;
let rendezvous: Symbols<typeof RENDEZVOUS_SYMBOLS> | undefined;
let supervisor: Symbols<typeof SUPERVISOR_SYMBOLS> | undefined;
let spawn: Symbols<typeof SPAWN_SYMBOLS> | undefined;
let drain: Symbols<typeof DRAIN_SYMBOLS> | undefined;
let errnoOf: (() => Deno.PointerValue) | undefined;

export function launcherLib(): Symbols<typeof LAUNCHER_SYMBOLS> {
  launcher ??= Deno.dlopen("libc.so.6", LAUNCHER_SYMBOLS).symbols;
  errnoOf ??= launcher.__errno_location;
  return launcher;
}

export function rendezvousLib(): Symbols<typeof RENDEZVOUS_SYMBOLS> {
  rendezvous ??= Deno.dlopen("libc.so.6", RENDEZVOUS_SYMBOLS).symbols;
  errnoOf ??= rendezvous.__errno_location;
  return rendezvous;
}

export function supervisorLib(): Symbols<typeof SUPERVISOR_SYMBOLS> {
  supervisor ??= Deno.dlopen("libc.so.6", SUPERVISOR_SYMBOLS).symbols;
  errnoOf ??= supervisor.__errno_location;
  return supervisor;
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
export const ECONNREFUSED = 111;
export const ENOEXEC = 8;

export const O_RDONLY = 0;
export const O_CLOEXEC = 0o2000000;
export const O_DIRECTORY = 0o200000;
export const O_PATH = 0o10000000;
export const AF_UNIX = 1;
export const SOCK_STREAM = 1;
export const SOCK_CLOEXEC = 0o2000000;
export const SOL_SOCKET = 1;
export const SCM_RIGHTS = 1;
export const SO_PEERCRED = 17;
export const MSG_CMSG_CLOEXEC = 0x40000000;
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

/** struct sockaddr_un for `path`, or null when the path does not fit its 108 bytes. */
export function unixAddress(path: string): Uint8Array<ArrayBuffer> | null {
  const bytes = encoder.encode(path);
  if (bytes.length >= 108) return null;
  const address = new Uint8Array(110);
  new DataView(address.buffer).setUint16(0, AF_UNIX, true);
  address.set(bytes, 2);
  return address;
}

/**
 * struct msghdr with one iovec over `data` and a control buffer for one SCM_RIGHTS fd: filled
 * with `sendFd` when given, else empty room to receive one (`withFd: false` leaves it out).
 * The returned object keeps every buffer the header points into.
 */
export function messageHeader(
  data: Uint8Array<ArrayBuffer>,
  options: { sendFd?: number; withFd?: boolean } = {},
): { header: Uint8Array<ArrayBuffer>; control: Uint8Array<ArrayBuffer>; keep: Uint8Array[] } {
  const iov = new Uint8Array(16);
  const iovView = new DataView(iov.buffer);
  iovView.setBigUint64(0, pointerOf(data), true);
  iovView.setBigUint64(8, BigInt(data.length), true);
  // CMSG_SPACE(sizeof(int)) on 64-bit: 16-byte header + 4 bytes, aligned to 8.
  const control = new Uint8Array(24);
  const controlView = new DataView(control.buffer);
  controlView.setBigUint64(0, 20n, true);
  controlView.setInt32(8, SOL_SOCKET, true);
  controlView.setInt32(12, SCM_RIGHTS, true);
  controlView.setInt32(16, options.sendFd ?? -1, true);
  const header = new Uint8Array(56);
  const view = new DataView(header.buffer);
  view.setBigUint64(16, pointerOf(iov), true);
  view.setBigUint64(24, 1n, true);
  if (options.withFd !== false) {
    view.setBigUint64(32, pointerOf(control), true);
    view.setBigUint64(40, BigInt(control.length), true);
  }
  return { header, control, keep: [data, iov, control] };
}

/** The fd carried by a received SCM_RIGHTS control message, or -1. */
export function receivedFd(header: Uint8Array<ArrayBuffer>, control: Uint8Array): number {
  const controlLength = new DataView(header.buffer).getBigUint64(40, true);
  if (controlLength < 20n) return -1;
  const view = new DataView(control.buffer, control.byteOffset);
  if (view.getInt32(8, true) !== SOL_SOCKET || view.getInt32(12, true) !== SCM_RIGHTS) return -1;
  return view.getInt32(16, true);
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
