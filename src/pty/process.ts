import { cString, cStringArray, errno, processLib } from "./libc.ts";

const SIG_DFL = 0n;
const SIG_UNBLOCK = 1;
const PR_SET_DUMPABLE = 4;
const RLIMIT_CORE = 4;

/**
 * Ends this process the way a child ended: by the same signal, so a parent shell sees "killed
 * by SIGINT" (and stops a script's loop, or prints "Segmentation fault") exactly as with the
 * bare command. Never with a core dump of its own: that would be ddcoterm's memory, written
 * where the child's core may already be. Returns only when the signal did not kill us.
 */
export function raiseSignalOnSelf(signal: number): void {
  const c = processLib();
  c.prctl(PR_SET_DUMPABLE, 0n, 0n, 0n, 0n);
  c.setrlimit(RLIMIT_CORE, new Uint8Array(16)); // soft and hard limits 0
  c.signal(signal, SIG_DFL);
  const set = new Uint8Array(128);
  c.sigemptyset(set);
  // sigaddset by hand: bit (signal - 1) of the mask.
  set[(signal - 1) >> 3] |= 1 << ((signal - 1) & 7);
  c.sigprocmask(SIG_UNBLOCK, set, null);
  c.kill(c.getpid(), signal);
}

/**
 * Replaces this process with `path` (same pid, stdio and signals): the zero-overhead path
 * when no action applies. Returns only on failure, with errno.
 */
export function execReplacingProcess(
  path: string,
  argv: string[],
  env: Record<string, string>,
): number {
  const args = cStringArray(argv);
  const envp = cStringArray(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  // Deno ignores SIGPIPE; an exec keeps ignored dispositions, so restore the default first.
  processLib().signal(13, SIG_DFL);
  processLib().execve(
    cString(path),
    new Uint8Array(args.array.buffer),
    new Uint8Array(envp.array.buffer),
  );
  void args.keep;
  void envp.keep;
  return errno();
}
