/**
 * Pseudo-terminals through libc: openpty, then posix_spawnp with a new session whose first
 * file action opens the slave by path, which makes it the child's controlling terminal.
 * forkpty is not an option: a forked V8 child has no heap (PLATFORM-NOTES).
 */
import { asyncLib, cString, cStringArray, lib } from "./libc.ts";
import { spawnSignalSets } from "./inherited_signals.ts";

const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;
const O_RDWR = 0x2;
const TIOCSWINSZ = 0x5414n;
/** ioctl TCSETSW: tcsetattr(fd, TCSADRAIN, …). */
const TCSETSW = 0x5403n;
/** struct termios on Linux/glibc: four tcflag_t, c_line, c_cc[32], two speeds. */
const TERMIOS_SIZE = 60;
const OFLAG_OFFSET = 4;
const LFLAG_OFFSET = 12;
const OPOST = 0o1;
const ECHO = 0o10;
const ICANON = 0o2;

export interface WindowSize {
  cols: number;
  rows: number;
}

export interface Pty {
  master: number;
  slave: number;
  slavePath: string;
}

function winsize(size: WindowSize): Uint8Array<ArrayBuffer> {
  const buf = new Uint8Array(8);
  const view = new DataView(buf.buffer);
  view.setUint16(0, size.rows, true);
  view.setUint16(2, size.cols, true);
  return buf;
}

/** Reads the termios of `fd`, or null when it is not a terminal. */
export function getTermios(fd: number): Uint8Array<ArrayBuffer> | null {
  const buf = new Uint8Array(TERMIOS_SIZE + 4);
  return lib().tcgetattr(fd, buf) === 0 ? buf : null;
}

/** The same on a libc thread: no synchronous symbol to bind (start-up). */
async function getTermiosAsync(fd: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const buf = new Uint8Array(TERMIOS_SIZE + 4);
  return await asyncLib().tcgetattr(fd, buf) === 0 ? buf : null;
}

/**
 * Turns off output processing (OPOST) on the terminal `fd`. The session's own pty already
 * translated newlines; a second pass would turn "\r\n" into "\r\r\n" and cost a byte-by-byte
 * scan in the kernel. Returns false when `fd` is not a terminal.
 */
export async function disableOutputProcessing(fd: number): Promise<boolean> {
  const termios = await getTermiosAsync(fd);
  if (!termios) return false;
  const view = new DataView(termios.buffer);
  view.setUint32(OFLAG_OFFSET, view.getUint32(OFLAG_OFFSET, true) & ~OPOST, true);
  return await asyncLib().ioctl(fd, TCSETSW, termios) === 0;
}

/**
 * Whether the terminal on `fd` is reading a secret: echo off in canonical (line) mode, as
 * getpass, sudo, ssh and `read -s` set it. Line editors such as readline also turn echo off,
 * but in non-canonical mode, echoing themselves: those keystrokes are ordinary input.
 */
export function readingSecret(fd: number): boolean {
  const termios = getTermios(fd);
  if (!termios) return false;
  const lflag = new DataView(termios.buffer).getUint32(LFLAG_OFFSET, true);
  return (lflag & ECHO) === 0 && (lflag & ICANON) !== 0;
}

/** A pipe, [read end, write end], both close-on-exec; null when none can be made. */
export async function openPipe(): Promise<[number, number] | null> {
  const fds = new Int32Array(2);
  const O_CLOEXEC = 0o2000000;
  if (await asyncLib().pipe2(new Uint8Array(fds.buffer), O_CLOEXEC) !== 0) return null;
  return [fds[0], fds[1]];
}

/**
 * Whether this process group is in the foreground of the terminal on `fd`, or the terminal is
 * not ours to be in the background of (not our controlling terminal): a background job that
 * changes the terminal's modes or reads it is stopped (SIGTTOU, SIGTTIN).
 */
export async function isForegroundOf(fd: number): Promise<boolean> {
  const c = asyncLib();
  const [foreground, own] = await Promise.all([c.tcgetpgrp(fd), c.getpgrp()]);
  return foreground < 0 || foreground === own;
}

/**
 * Opens a pty of `size`. With `termiosOf` (the user's terminal fd), the slave starts with the
 * same line discipline settings, as `script` does.
 */
export async function openPty(size: WindowSize, termiosOf?: number): Promise<Pty> {
  const master = new Int32Array(1);
  const slave = new Int32Array(1);
  const name = new Uint8Array(4096);
  const termios = termiosOf === undefined ? null : await getTermiosAsync(termiosOf);
  const rc = await asyncLib().openpty(
    new Uint8Array(master.buffer),
    new Uint8Array(slave.buffer),
    name,
    termios,
    winsize(size),
  );
  if (rc !== 0) throw new Error("Cannot open a pseudo-terminal (openpty failed)");
  const slavePath = new TextDecoder().decode(name.subarray(0, name.indexOf(0)));
  return { master: master[0], slave: slave[0], slavePath };
}

export async function setWindowSize(fd: number, size: WindowSize): Promise<void> {
  await asyncLib().ioctl(fd, TIOCSWINSZ, winsize(size));
}

export class SpawnError extends Error {
  constructor(readonly file: string, readonly errno: number) {
    super(`Cannot run "${file}": errno ${errno}`);
  }
}

/**
 * Starts `argv` in a new session with the pty slave as stdin, stdout, stderr and controlling
 * terminal.
 */
export async function spawnInPty(
  pty: Pty,
  file: string,
  argv: string[],
  env: Record<string, string>,
): Promise<number> {
  const slavePath = cString(pty.slavePath);
  return await spawnProcess(file, argv, env, true, async (c, actions) => {
    await c.posix_spawn_file_actions_addopen(actions, 0, slavePath, O_RDWR, 0);
    await c.posix_spawn_file_actions_adddup2(actions, 0, 1);
    await c.posix_spawn_file_actions_adddup2(actions, 0, 2);
  });
}

/**
 * Starts `argv` with our stdin, and `stdout` and `stderr` (write ends of pipes) as its own, in
 * our session and process group (a terminal's signals reach it as they reach us).
 */
export async function spawnWithPipes(
  file: string,
  argv: string[],
  env: Record<string, string>,
  stdout: number,
  stderr: number,
): Promise<number> {
  return await spawnProcess(file, argv, env, false, async (c, actions) => {
    await c.posix_spawn_file_actions_adddup2(actions, stdout, 1);
    await c.posix_spawn_file_actions_adddup2(actions, stderr, 2);
  });
}

type AsyncLib = ReturnType<typeof asyncLib>;

/**
 * posix_spawnp on a libc thread (this thread stays free: with process_info it answers the
 * child's exec). `stdio` adds the file actions for fds 0–2; everything above is closed.
 * Signal dispositions and the mask are those ddcoterm was started with (inherited_signals.ts):
 * Deno's own, such as its ignored SIGPIPE, are not passed on.
 */
async function spawnProcess(
  file: string,
  argv: string[],
  env: Record<string, string>,
  newSession: boolean,
  stdio: (c: AsyncLib, actions: Uint8Array) => Promise<void>,
): Promise<number> {
  const c = asyncLib();
  const actions = new Uint8Array(256);
  const attr = new Uint8Array(512);
  const signals = spawnSignalSets();
  const args = cStringArray(argv);
  const envp = cStringArray(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  // Each call is a round trip to a libc thread: the file actions (whose order matters) and
  // the attributes are prepared as two chains side by side.
  const fileActions = async () => {
    await c.posix_spawn_file_actions_init(actions);
    await stdio(c, actions);
    await c.posix_spawn_file_actions_addclosefrom_np(actions, 3);
  };
  const attributes = async () => {
    await c.posix_spawnattr_init(attr);
    await Promise.all([
      c.posix_spawnattr_setflags(
        attr,
        (newSession ? POSIX_SPAWN_SETSID : 0) | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK,
      ),
      c.posix_spawnattr_setsigdefault(attr, signals.reset),
      c.posix_spawnattr_setsigmask(attr, signals.mask),
    ]);
  };
  await Promise.all([fileActions(), attributes()]);
  try {
    const pid = new Int32Array(1);
    const rc = await c.posix_spawnp(
      new Uint8Array(pid.buffer),
      cString(file),
      actions,
      attr,
      new Uint8Array(args.array.buffer),
      new Uint8Array(envp.array.buffer),
    );
    if (rc !== 0) throw new SpawnError(file, rc);
    return pid[0];
  } finally {
    // The pointer arrays refer into these buffers until posix_spawnp has returned.
    void args.keep;
    void envp.keep;
    await Promise.all([
      c.posix_spawn_file_actions_destroy(actions),
      c.posix_spawnattr_destroy(attr),
    ]);
  }
}

export type ExitStatus = { code: number; signal?: undefined } | {
  code?: undefined;
  signal: number;
};

export function decodeWaitStatus(status: number): ExitStatus {
  const termSig = status & 0x7f;
  if (termSig === 0) return { code: (status >> 8) & 0xff };
  return { signal: termSig };
}

/** The shell's view of an exit: the code, or 128 + the signal that killed it. */
export function shellExitCode(status: ExitStatus): number {
  return status.signal !== undefined ? 128 + status.signal : status.code;
}

/**
 * Waits (on a libc thread, not the event loop) for `pid` to end. A failed wait is retried: on
 * that thread it can only be an interruption, since the child is ours and not yet reaped.
 */
export async function waitForExit(pid: number): Promise<ExitStatus> {
  const status = new Int32Array(1);
  const view = new Uint8Array(status.buffer);
  for (let failures = 0; failures < 1000; failures++) {
    const rc = await asyncLib().waitpid(pid, view, 0);
    if (rc === pid) return decodeWaitStatus(status[0]);
  }
  throw new Error(`Cannot wait for process ${pid}`);
}

export async function killProcess(pid: number, signal: number): Promise<void> {
  await asyncLib().kill(pid, signal);
}

export async function closeFd(fd: number): Promise<void> {
  await asyncLib().close(fd);
}
