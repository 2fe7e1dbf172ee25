/**
 * Puts the recorder itself under the exec filter, right before it spawns the session's command:
 * every thread (TSYNC), since the spawn may run on any of them (a libc pool thread for the pty,
 * the main thread for Deno.Command) and the child inherits the filter of the thread that forks.
 * The recorder never execs, so the filter costs it nothing; its children are what we trace.
 */
import { encodeFilter, execFilter } from "./bpf.ts";
import { EACCES, errno, installLib, pointerOf } from "./libc.ts";

const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;
const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
/** TSYNC and NEW_LISTENER both return an fd on success: this makes a sync failure ESRCH. */
const SECCOMP_FILTER_FLAG_TSYNC_ESRCH = 16;
const ENOSYS = 38;

export interface Installed {
  listener: number;
  /** no_new_privs was set (not root): setuid programs cannot elevate in the session. */
  noNewPrivs: boolean;
}

/**
 * no_new_privs (when needed) then seccomp with a new listener, on every thread of this process.
 * root (CAP_SYS_ADMIN) needs no no_new_privs, which keeps setuid programs working in its
 * sessions; without the capability the kernel says EACCES and no_new_privs is set. prctl and
 * seccomp act on the calling thread, so both are synchronous calls here.
 */
export function installFilter(): Installed | { errno: number } {
  if (Deno.build.arch !== "x86_64" && Deno.build.arch !== "aarch64") return { errno: ENOSYS };
  const c = installLib();
  const filter = encodeFilter(execFilter());
  const program = new Uint8Array(16);
  const view = new DataView(program.buffer);
  view.setUint16(0, filter.length / 8, true);
  view.setBigUint64(8, pointerOf(filter), true);
  const flags = SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC |
    SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
  const install = () => c.seccomp(SECCOMP_SET_MODE_FILTER, flags, program);
  const root = Deno.uid() === 0;
  let fd = root ? install() : -1;
  let noNewPrivs = false;
  if (fd < 0) {
    if (root && errno() !== EACCES) return { errno: errno() };
    if (c.prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n) !== 0) return { errno: errno() };
    noNewPrivs = true;
    fd = install();
  }
  void filter;
  return fd >= 0 ? { listener: fd, noNewPrivs } : { errno: errno() };
}
