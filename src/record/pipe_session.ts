import { SIGNAL_NUMBERS } from "../core/signals.ts";
import {
  closeFd,
  copyPipes,
  type ExitStatus,
  killProcess,
  openPipe,
  PIPE_CHUNK_BYTES,
  setNonBlocking,
  spawnWithPipes,
  waitForExit,
} from "../pty/mod.ts";
import { asyncLib } from "../pty/libc.ts";
import type { Recorder } from "./recorder.ts";

/** Signals a terminal sends to the whole foreground group: the child gets them itself. */
const GROUP_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGQUIT"];
/** Signals meant for ddcoterm alone: passed on to the child. */
const FORWARDED_SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGHUP"];

export interface PipeSessionOptions {
  file: string;
  argv: string[];
  env: Record<string, string>;
  recorder: Recorder;
  onStarted?: (pid: number) => void;
}

/**
 * No terminal (pipes, cron, CI, `$(…)`): no pty. The child reads our stdin directly; its
 * stdout and stderr stay two streams, passed on byte for byte. When our reader goes away
 * (`| head -1`), the child's pipe is closed so it gets SIGPIPE as the bare command would.
 * The child is spawned on a libc thread, as in a pty: this thread stays free to answer its
 * exec (process_info) without a Worker, which would cost ~20 ms before the child could start.
 */
export async function runPipeSession(options: PipeSessionOptions): Promise<ExitStatus> {
  const { recorder } = options;
  const stdout = await openOutputPipe();
  const stderr = await openOutputPipe();
  let pid: number;
  try {
    pid = await spawnWithPipes(options.file, options.argv, options.env, stdout[1], stderr[1]);
  } catch (error) {
    await closeFd(stdout[0]);
    await closeFd(stderr[0]);
    throw error;
  } finally {
    // Only the child writes to them now: its exit is their end.
    await closeFd(stdout[1]);
    await closeFd(stderr[1]);
  }
  options.onStarted?.(pid);
  await setNonBlocking(stdout[0]);
  await setNonBlocking(stderr[0]);

  const handlers: [Deno.Signal, () => void][] = [];
  for (const signal of GROUP_SIGNALS) handlers.push([signal, () => {}]);
  for (const signal of FORWARDED_SIGNALS) {
    handlers.push([signal, () => killProcess(pid, SIGNAL_NUMBERS[signal]!)]);
  }
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);

  recorder.startTicker();
  try {
    await copyPipes(
      [{ from: stdout[0], to: 1 }, { from: stderr[0], to: 2 }],
      (bytes) => recorder.output(toTerminalNewlines(bytes)),
    );
    return await waitForExit(pid);
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

/**
 * [read end, write end], both close-on-exec (the child gets its end through dup2). As large
 * as an unprivileged process may make it: each chunk costs the copier round trips to libc
 * threads, so fewer, larger chunks (up to 1 MiB instead of 64 KiB) copy a large output
 * faster (203 MB through `| wc -c`: 1.9–2.6 s → 1.65–2.1 s). Where that is refused, the
 * default size is kept.
 */
async function openOutputPipe(): Promise<[number, number]> {
  const F_SETPIPE_SZ = 1031;
  const fds = await openPipe();
  if (!fds) throw new Error("Cannot create a pipe for the command's output");
  await asyncLib().fcntl(fds[0], F_SETPIPE_SZ, PIPE_CHUNK_BYTES);
  return fds;
}

/**
 * The recording is for a terminal player: bare LFs become CRLF there, as a tty's output
 * processing (onlcr) would have made them. The user's own streams are never changed.
 */
export function toTerminalNewlines(bytes: Uint8Array): Uint8Array {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) count++;
  }
  if (count === 0) return bytes;
  const out = new Uint8Array(bytes.length + count);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) out[j++] = 0x0d;
    out[j++] = bytes[i];
  }
  return out;
}
