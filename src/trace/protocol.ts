/**
 * The launcher ⇄ supervisor handshake, over a Unix socket the supervisor listens on:
 *
 *   launcher                           supervisor (Worker)
 *   connect(<prefix>-<own pid>)  ──►   accept, check the peer pid (SO_PEERCRED)
 *                                ◄──   "G" (go) or "N" (no: its memory is unreadable)
 *   on G: no_new_privs, seccomp
 *   "L" + listener fd (SCM_RIGHTS) ─►  receive the fd, answer notifications
 *   or "E<errno>" when seccomp failed
 *   execve(target)  (trapped by the new filter until the supervisor answers)
 *
 * SCM_RIGHTS rather than pidfd_getfd: it needs no ptrace permission (Yama ptrace_scope 2 and 3
 * forbid pidfd_getfd), no fd number agreed in advance, and the launcher learns before
 * installing anything whether someone will answer: a filter nobody answers would make every
 * exec of the session fail.
 */

/** The hidden subcommand that runs the launcher. */
export const LAUNCHER_COMMAND = "__trace-launcher";

export const MSG_GO = 0x47; // "G"
export const MSG_NO = 0x4e; // "N"
export const MSG_LISTENER = 0x4c; // "L"
export const MSG_ERROR = 0x45; // "E"

/** How long the launcher retries connecting while the recorder sets up its socket. */
export const CONNECT_TIMEOUT_MS = 3000;
/** How long the launcher waits for go / no-go (the Worker's start-up is inside it). */
export const ANSWER_TIMEOUT_MS = 10000;

/** The socket path for one launcher, from the prefix in its argv and its pid. */
export function socketPath(prefix: string, launcherPid: number): string {
  return `${prefix}-${launcherPid}`;
}

export interface LauncherArgs {
  /** Socket path prefix; absent means "exec untraced" (tracing could not be prepared). */
  socket?: string;
  /** The program to run, already resolved; absent: target[0] is looked up on PATH. */
  exec?: string;
  target: string[];
}

/** `[--socket PREFIX] [--exec PATH] -- target...` */
export function formatLauncherArgs(args: LauncherArgs): string[] {
  return [
    ...(args.socket ? ["--socket", args.socket] : []),
    ...(args.exec ? ["--exec", args.exec] : []),
    "--",
    ...args.target,
  ];
}

export function parseLauncherArgs(args: string[]): LauncherArgs {
  const separator = args.indexOf("--");
  const options = separator < 0 ? args : args.slice(0, separator);
  const target = separator < 0 ? [] : args.slice(separator + 1);
  if (target.length === 0) throw new Error("The trace launcher needs a command after --");
  let socket: string | undefined;
  let exec: string | undefined;
  for (let i = 0; i < options.length; i++) {
    if (options[i] === "--socket" && i + 1 < options.length) socket = options[++i];
    else if (options[i] === "--exec" && i + 1 < options.length) exec = options[++i];
    else throw new Error(`Unknown trace launcher option "${options[i]}"`);
  }
  return { socket, exec, target };
}
