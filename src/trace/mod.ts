/**
 * process_info: every program started in a recorded session, as an event.
 *
 * Modes (`--process-info=`):
 * - `seccomp` (default): right before spawning the command, the recorder puts itself (every
 *   thread) under a seccomp filter that traps execve/execveat and keeps the listener; the
 *   command inherits the filter, and each exec waits until the supervisor has read its path,
 *   argv and cwd. Sees every exec, however short. Sets no_new_privs for non-root users: sudo,
 *   su, passwd, pkexec cannot elevate in the session (a `setuid_blocked` notice says so once).
 *   The supervisor starts on the recorder's event loop (its waits on a pool thread) and moves
 *   to a Worker after 50 ms (short commands pay no Worker start-up); it is a Worker from the
 *   start when the spawn blocks the main thread (Deno.Command). Processes that outlive the
 *   session get a detached drainer (drain.ts) that keeps their execs working.
 * - `proc`: polls /proc every PROC_INTERVAL_MS for the session's descendants. Changes nothing
 *   in the session (sudo works); processes shorter than the interval can be missed.
 * - `ptrace`: not built; asking for it falls back to `proc` with a notice. ptrace cannot be
 *   made reliable here: the traced top process is the recorder's own child, and a ptrace stop
 *   is reported to any thread of the tracer's process that waits for that child, so the
 *   recorder's `waitpid(pid)` (src/pty, on a libc pool thread) would consume the Worker's
 *   stops and take them for the command's exit. Tracing a grandchild instead would need a
 *   forking intermediary the recorder does not have (fork is unusable in Deno). It would also
 *   stop the session's own debuggers (gdb, strace) from attaching, and cost a stop per
 *   fork, clone and exec instead of one notification per exec.
 * - `off`: nothing.
 *
 * Fallbacks, each said once through a notice: seccomp → proc when seccomp is unavailable (or
 * prctl refused) or the traced processes' memory would be unreadable (Yama ptrace_scope);
 * seccomp → off (`nested`) when a recorder already traces this process (EBUSY on the second
 * listener).
 *
 * @example
 * ```ts
 * const prep = prepareTracing("seccomp"); // when recording starts
 * // ... set up the session ...
 * prep.beforeSpawn(); // synchronously, right before the spawn
 * const pid = await spawnInPty(pty, file, argv, env);
 * const trace = prep.start(pid, {
 *   onExec: (e) => recorder.event("exec", { ...e, argv: redact(e.argv) }),
 *   onNotice: (n) => say(n.message),
 * }, { self: selfCommand() });
 * const status = await waitForExit(pid);
 * await trace.stop(status);
 * ```
 */
export type {
  ExecEvent,
  ExitEvent,
  TraceHandlers,
  TraceMode,
  TraceNotice,
  TraceNoticeKind,
} from "./types.ts";
export { MAX_ARGV_BYTES, MAX_ARGV_COUNT, TRACE_MODES, TRUNCATION_MARKER } from "./types.ts";
export {
  prepareTracing,
  type SpawnOptions,
  type StartOptions,
  type TracePrep,
  type TraceSession,
} from "./supervisor.ts";
export { DRAIN_COMMAND } from "./drain.ts";
export { PROC_INTERVAL_MS } from "./proc_supervisor.ts";
export { selfCommand } from "./self.ts";
