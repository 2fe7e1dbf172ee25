/**
 * The only Deno.dlopen in the project: the libc calls the pty, the spawner and the exec
 * fast path need. Symbols are bound on first use so commands that never touch a pty pay
 * nothing for them.
 */

/** Calls on the hot path: bound synchronously (fast calls). */
const HOT_SYMBOLS = {
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

/**
 * Calls made once or rarely: run on a libc thread (`nonblocking`), which costs ~30 µs a call
 * but nothing to bind, where a synchronous symbol costs ~0.25 ms of start-up to bind.
 * errno is per thread: these report failure through their results only.
 */
const ASYNC_SYMBOLS = {
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32", nonblocking: true },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32", nonblocking: true },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32", nonblocking: true },
  close: { parameters: ["i32"], result: "i32", nonblocking: true },
  pipe2: { parameters: ["buffer", "i32"], result: "i32", nonblocking: true },
  kill: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
  openpty: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  posix_spawnp: {
    parameters: ["buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  posix_spawn_file_actions_init: { parameters: ["buffer"], result: "i32", nonblocking: true },
  posix_spawn_file_actions_destroy: { parameters: ["buffer"], result: "i32", nonblocking: true },
  posix_spawn_file_actions_addopen: {
    parameters: ["buffer", "i32", "buffer", "i32", "u32"],
    result: "i32",
    nonblocking: true,
  },
  posix_spawn_file_actions_adddup2: {
    parameters: ["buffer", "i32", "i32"],
    result: "i32",
    nonblocking: true,
  },
  posix_spawn_file_actions_addclosefrom_np: {
    parameters: ["buffer", "i32"],
    result: "i32",
    nonblocking: true,
  },
  posix_spawnattr_init: { parameters: ["buffer"], result: "i32", nonblocking: true },
  posix_spawnattr_destroy: { parameters: ["buffer"], result: "i32", nonblocking: true },
  posix_spawnattr_setflags: { parameters: ["buffer", "i16"], result: "i32", nonblocking: true },
  posix_spawnattr_setsigdefault: {
    parameters: ["buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  posix_spawnattr_setsigmask: {
    parameters: ["buffer", "buffer"],
    result: "i32",
    nonblocking: true,
  },
  sigfillset: { parameters: ["buffer"], result: "i32", nonblocking: true },
  sigemptyset: { parameters: ["buffer"], result: "i32", nonblocking: true },
} as const;

/** Replacing or ending this process: used at most once. */
const PROCESS_SYMBOLS = {
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  signal: { parameters: ["i32", "usize"], result: "usize" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigprocmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpid: { parameters: [], result: "i32" },
  kill: { parameters: ["i32", "i32"], result: "i32" },
} as const;

// Each group is bound on its first use.
let hot: Deno.DynamicLibrary<typeof HOT_SYMBOLS>["symbols"] | undefined;
let asyncCalls: Deno.DynamicLibrary<typeof ASYNC_SYMBOLS>["symbols"] | undefined;
let processCalls: Deno.DynamicLibrary<typeof PROCESS_SYMBOLS>["symbols"] | undefined;

export function lib(): Deno.DynamicLibrary<typeof HOT_SYMBOLS>["symbols"] {
  hot ??= Deno.dlopen("libc.so.6", HOT_SYMBOLS).symbols;
  return hot;
}

export function asyncLib(): Deno.DynamicLibrary<typeof ASYNC_SYMBOLS>["symbols"] {
  asyncCalls ??= Deno.dlopen("libc.so.6", ASYNC_SYMBOLS).symbols;
  return asyncCalls;
}

export function processLib(): Deno.DynamicLibrary<typeof PROCESS_SYMBOLS>["symbols"] {
  processCalls ??= Deno.dlopen("libc.so.6", PROCESS_SYMBOLS).symbols;
  return processCalls;
}

export function errno(): number {
  const ptr = lib().__errno_location();
  return ptr ? new Deno.UnsafePointerView(ptr).getInt32() : 0;
}

const encoder = new TextEncoder();

export function cString(value: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(encoder.encode(value).length + 1);
  encoder.encodeInto(value, bytes);
  return bytes;
}

/**
 * A NULL-terminated array of C string pointers. The returned `keep` array owns the string
 * buffers: hold it until the call that uses the array has returned.
 */
export function cStringArray(
  values: string[],
): { array: BigUint64Array<ArrayBuffer>; keep: Uint8Array[] } {
  const keep = values.map(cString);
  const array = new BigUint64Array(values.length + 1);
  keep.forEach((buf, i) => {
    array[i] = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
  });
  return { array, keep };
}
