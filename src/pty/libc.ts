/**
 * libc for the pty, the spawner and the exec fast path (src/trace binds its own calls).
 * Symbols are bound on first use so commands that never touch a pty pay nothing for them.
 */

/**
 * Calls on the hot path: synchronous (fast calls). Binding one costs ~0.3 ms of start-up, so
 * each is bound on its first use: a short command's session binds only what it calls.
 */
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
  tcgetattr: { parameters: ["i32", "buffer"], result: "i32", nonblocking: true },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize", nonblocking: true },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  waitpid: { parameters: ["i32", "buffer", "i32"], result: "i32", nonblocking: true },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32", nonblocking: true },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32", nonblocking: true },
  close: { parameters: ["i32"], result: "i32", nonblocking: true },
  pipe2: { parameters: ["buffer", "i32"], result: "i32", nonblocking: true },
  kill: { parameters: ["i32", "i32"], result: "i32", nonblocking: true },
  tcgetpgrp: { parameters: ["i32"], result: "i32", nonblocking: true },
  getpgrp: { parameters: [], result: "i32", nonblocking: true },
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
} as const;

/** Replacing or ending this process: used at most once. */
const PROCESS_SYMBOLS = {
  execve: { parameters: ["buffer", "buffer", "buffer"], result: "i32" },
  signal: { parameters: ["i32", "usize"], result: "usize" },
  sigemptyset: { parameters: ["buffer"], result: "i32" },
  sigprocmask: { parameters: ["i32", "buffer", "buffer"], result: "i32" },
  getpid: { parameters: [], result: "i32" },
  kill: { parameters: ["i32", "i32"], result: "i32" },
  prctl: { parameters: ["i32", "u64", "u64", "u64", "u64"], result: "i32" },
  setrlimit: { parameters: ["i32", "buffer"], result: "i32" },
} as const;

type HotSymbols = Deno.DynamicLibrary<typeof HOT_SYMBOLS>["symbols"];
type HotName = keyof typeof HOT_SYMBOLS;

// Each group (each hot symbol) is bound on its first use.
const hotBound: Partial<HotSymbols> = {};
let asyncCalls: Deno.DynamicLibrary<typeof ASYNC_SYMBOLS>["symbols"] | undefined;
let processCalls: Deno.DynamicLibrary<typeof PROCESS_SYMBOLS>["symbols"] | undefined;

function bindHot<K extends HotName>(name: K): HotSymbols[K] {
  const bound = hotBound[name];
  if (bound) return bound as HotSymbols[K];
  // errno is read right after a call fails: binding it then would run dlopen's own system
  // calls first and clobber the value. It is bound before any call that can fail.
  if (name !== "__errno_location") bindHot("__errno_location");
  const one = { [name]: HOT_SYMBOLS[name] } as Pick<typeof HOT_SYMBOLS, K>;
  const symbol = Deno.dlopen("libc.so.6", one).symbols[name] as HotSymbols[K];
  hotBound[name] = symbol;
  return symbol;
}

const hot: HotSymbols = {
  get read() {
    return bindHot("read");
  },
  get write() {
    return bindHot("write");
  },
  get tcgetattr() {
    return bindHot("tcgetattr");
  },
  get poll() {
    return bindHot("poll");
  },
  get __errno_location() {
    return bindHot("__errno_location");
  },
};

export function lib(): HotSymbols {
  return hot;
}

/** Binds every hot symbol now (a worker thread's loop, which should not pause for it later). */
export function bindHotSymbols(): void {
  for (const name of Object.keys(HOT_SYMBOLS) as HotName[]) bindHot(name);
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
