/**
 * process_info: every program started in a recorded session, as an event.
 *
 * Modes (`--process-info=`):
 * - `seccomp` (default): the launcher (`ddcoterm __trace-launcher`, spawned in place of the
 *   command) installs a seccomp filter that traps execve/execveat and hands its listener to a
 *   supervisor Worker, which reads each exec's path, argv and cwd while the caller waits.
 *   Sees every exec, however short. Sets no_new_privs for non-root users: sudo, su, passwd,
 *   pkexec cannot elevate in the session (a `setuid_blocked` notice says so once).
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
 * Fallbacks, each said once through a notice: seccomp → proc when the rendezvous directory or
 * socket cannot be made, the launcher does not connect, the launcher's memory is unreadable
 * (ptrace restrictions), or seccomp is unavailable; seccomp → off (`nested`) when a recorder
 * already traces this session (EBUSY on the second listener).
 *
 * @example
 * ```ts
 * const argv = tracedArgv("seccomp", ["bash", "-i"], selfCommand());
 * const pid = await spawnInPty(pty, argv[0], argv, env);
 * const trace = await startTracing("seccomp", pid, {
 *   onExec: (e) => recorder.event("process", { ...e, argv: redact(e.argv) }),
 *   onNotice: (n) => say(n.message),
 * });
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
export { type StartOptions, startTracing, tracedArgv, type TraceSession } from "./supervisor.ts";
export { runLauncher } from "./launcher.ts";
export { LAUNCHER_COMMAND } from "./protocol.ts";
export { PROC_INTERVAL_MS } from "./proc_supervisor.ts";
export { selfCommand } from "./self.ts";
