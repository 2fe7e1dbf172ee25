/**
 * The launcher: the process the recorder spawns in the pty in place of the command. It asks
 * the supervisor whether to trace, installs the seccomp filter, hands over the listener and
 * execs the command in its own place (same pid, stdio, session). Whatever fails, the command
 * still runs: untraced, with the reason sent to the supervisor, which says it once.
 *
 * Start-up matters here: this module imports only the trace FFI, the filter and the protocol.
 */
import { encodeFilter, execFilter } from "./bpf.ts";
import {
  AF_UNIX,
  cString,
  cStringArray,
  EACCES,
  ECONNREFUSED,
  EINTR,
  ENOENT,
  ENOEXEC,
  errno,
  launcherLib,
  messageHeader,
  pointerOf,
  POLLIN,
  pollOne,
  SOCK_CLOEXEC,
  SOCK_STREAM,
  unixAddress,
} from "./libc.ts";
import {
  ANSWER_TIMEOUT_MS,
  CONNECT_TIMEOUT_MS,
  MSG_ERROR,
  MSG_GO,
  MSG_LISTENER,
  parseLauncherArgs,
  socketPath,
} from "./protocol.ts";
import { resolveCommand } from "./resolve.ts";

const PR_SET_NO_NEW_PRIVS = 38;
const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_NEW_LISTENER = 8;
const SYS_SECCOMP: Partial<Record<typeof Deno.build.arch, number>> = {
  x86_64: 317,
  aarch64: 277,
};
const SIGPIPE = 13;
const SIG_SETMASK = 2;
const EXIT_CANNOT_EXECUTE = 126;
const EXIT_NOT_FOUND = 127;

/**
 * Body of `ddcoterm __trace-launcher [--socket PREFIX] -- command...` (and of `--drain`, see
 * drain.ts). Never returns.
 */
export async function runLauncher(args: string[]): Promise<never> {
  if (args[0] === "--drain") return (await import("./drain.ts")).runDrain();
  let parsed;
  try {
    parsed = parseLauncherArgs(args);
  } catch (error) {
    return fail((error as Error).message, 2);
  }
  const env = Deno.env.toObject();
  const resolved = parsed.exec
    ? { path: parsed.exec }
    : resolveCommand(parsed.target[0], env.PATH, (path) => isExecutable(path));
  if ("error" in resolved) {
    const why = resolved.error === "not_found" ? "command not found" : "permission denied";
    return fail(
      `${parsed.target[0]}: ${why}`,
      resolved.error === "not_found" ? EXIT_NOT_FOUND : EXIT_CANNOT_EXECUTE,
    );
  }
  if (parsed.socket) {
    const c = launcherLib();
    const channel = connectToSupervisor(socketPath(parsed.socket, Deno.pid));
    if (channel >= 0) {
      if (readAnswer(channel) === MSG_GO && !handOverListener(channel)) {
        // The filter is in place but nobody holds its listener: every exec would fail.
        return fail("Cannot start the command: the recorder stopped answering", 126);
      }
      c.close(channel);
    }
  }
  return execTarget(resolved.path, parsed.target, env);
}

function fail(message: string, code: number): never {
  const bytes = new TextEncoder().encode(`ddcoterm: ${message}\n`);
  try {
    Deno.stderr.writeSync(bytes);
  } catch {
    // Nothing left to tell.
  }
  Deno.exit(code);
}

function isExecutable(path: string): boolean | "denied" {
  const c = launcherLib();
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(path);
  } catch {
    return false;
  }
  if (!info.isFile) return false;
  return c.access(cString(path), 1) === 0 ? true : "denied";
}

function sleep(ms: number): void {
  launcherLib().poll(null, 0n, ms);
}

/** A connected socket to the supervisor, or -1 when it never listened. */
function connectToSupervisor(path: string): number {
  const c = launcherLib();
  const address = unixAddress(path);
  if (!address) return -1;
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  while (true) {
    const fd = c.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    if (c.connect(fd, address, address.length) === 0) return fd;
    const error = errno();
    c.close(fd);
    const retry = error === ENOENT || error === ECONNREFUSED || error === EINTR;
    if (!retry || Date.now() > deadline) return -1;
    sleep(2);
  }
}

function readAnswer(channel: number): number {
  const c = launcherLib();
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  const byte = new Uint8Array(1);
  while (true) {
    const revents = pollOne(c.poll, channel, Math.max(0, deadline - Date.now()));
    if (revents < 0 && errno() === EINTR) continue;
    if (revents <= 0 || !(revents & POLLIN)) return -1;
    const n = Number(c.read(channel, byte, 1n));
    if (n < 0 && errno() === EINTR) continue;
    return n === 1 ? byte[0] : -1;
  }
}

/**
 * Installs the filter and sends its listener, or the errno that stopped it. False only when
 * the filter is installed and the listener could not be sent.
 */
function handOverListener(channel: number): boolean {
  const c = launcherLib();
  const result = installFilter();
  const message = new Uint8Array(
    "fd" in result ? [MSG_LISTENER] : [MSG_ERROR, ...new TextEncoder().encode(`${result.errno}`)],
  );
  const { header, keep } = "fd" in result
    ? messageHeader(message, { sendFd: result.fd })
    : messageHeader(message, { withFd: false });
  const sent = Number(c.sendmsg(channel, header, 0)) === message.length;
  void keep;
  if (!("fd" in result)) return true;
  c.close(result.fd);
  return sent;
}

/**
 * no_new_privs then seccomp with a new listener. root (CAP_SYS_ADMIN) needs no no_new_privs,
 * which keeps setuid programs working in its sessions; without the capability the kernel says
 * EACCES and no_new_privs is set.
 */
function installFilter(): { fd: number } | { errno: number } {
  const c = launcherLib();
  const nr = SYS_SECCOMP[Deno.build.arch];
  if (nr === undefined) return { errno: 38 };
  const filter = encodeFilter(execFilter());
  const program = new Uint8Array(16);
  const view = new DataView(program.buffer);
  view.setUint16(0, filter.length / 8, true);
  view.setBigUint64(8, pointerOf(filter), true);
  const install = () =>
    Number(
      c.syscall(
        BigInt(nr),
        BigInt(SECCOMP_SET_MODE_FILTER),
        BigInt(SECCOMP_FILTER_FLAG_NEW_LISTENER),
        program,
      ),
    );
  let fd = Deno.uid() === 0 ? install() : -1;
  if (fd < 0) {
    if (Deno.uid() === 0 && errno() !== EACCES) return { errno: errno() };
    if (c.prctl(PR_SET_NO_NEW_PRIVS, 1n, 0n, 0n, 0n) !== 0) return { errno: errno() };
    fd = install();
  }
  void filter;
  return fd >= 0 ? { fd } : { errno: errno() };
}

/** execve in place, as execvp would: a file without a known format runs under /bin/sh. */
function execTarget(path: string, argv: string[], env: Record<string, string>): never {
  const c = launcherLib();
  // Deno ignores SIGPIPE and an ignored disposition survives exec; the mask is reset for the
  // same reason (posix_spawn gave the launcher an empty one).
  c.signal(SIGPIPE, 0n);
  c.sigprocmask(SIG_SETMASK, new Uint8Array(128), null);
  const envp = cStringArray(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  const args = cStringArray(argv);
  c.execve(cString(path), args.array, envp.array);
  let error = errno();
  if (error === ENOEXEC) {
    const shell = cStringArray(["sh", path, ...argv.slice(1)]);
    c.execve(cString("/bin/sh"), shell.array, envp.array);
    error = errno();
    void shell.keep;
  }
  void args.keep;
  void envp.keep;
  const why = error === ENOENT ? "no such file or directory" : `errno ${error}`;
  return fail(`${argv[0]}: cannot execute: ${why}`, error === ENOENT ? 127 : 126);
}
