import { SIGNAL_NUMBERS } from "../core/signals.ts";
import type { ExitStatus } from "../pty/mod.ts";
import type { Recorder } from "./recorder.ts";

/** Signals a terminal sends to the whole foreground group: the child gets them itself. */
const GROUP_SIGNALS: Deno.Signal[] = ["SIGINT", "SIGQUIT"];
/** Signals meant for ddcoterm alone: passed on to the child. */
const FORWARDED_SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGHUP"];

export interface PipeSessionOptions {
  file: string;
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  recorder: Recorder;
  onStarted?: (pid: number) => void;
}

/**
 * No terminal (pipes, cron, CI, `$(…)`): no pty. The child reads our stdin directly; its
 * stdout and stderr stay two streams, passed on byte for byte. When our reader goes away
 * (`| head -1`), the child's pipe is closed so it gets SIGPIPE as the bare command would.
 */
export async function runPipeSession(options: PipeSessionOptions): Promise<ExitStatus> {
  const { recorder } = options;
  const child = new Deno.Command(options.file, {
    args: options.argv.slice(1),
    env: options.env,
    clearEnv: true,
    cwd: options.cwd,
    stdin: "inherit",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  options.onStarted?.(child.pid);

  const handlers: [Deno.Signal, () => void][] = [];
  for (const signal of GROUP_SIGNALS) handlers.push([signal, () => {}]);
  for (const signal of FORWARDED_SIGNALS) {
    handlers.push([signal, () => {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    }]);
  }
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);

  recorder.startTicker();
  const recordCopy = (bytes: Uint8Array) => recorder.output(toTerminalNewlines(bytes));
  try {
    await Promise.all([
      pump(child.stdout, Deno.stdout, recordCopy),
      pump(child.stderr, Deno.stderr, recordCopy),
    ]);
    const status = await child.status;
    if (status.signal) {
      return { signal: SIGNAL_NUMBERS[status.signal] ?? 15 /* an unknown name: SIGTERM */ };
    }
    return { code: status.code };
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
  }
}

async function pump(
  source: ReadableStream<Uint8Array>,
  target: { write(p: Uint8Array): Promise<number> },
  record: (bytes: Uint8Array) => void,
): Promise<void> {
  const reader = source.getReader();
  let targetOpen = true;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      if (targetOpen) {
        try {
          let offset = 0;
          while (offset < value.length) offset += await target.write(value.subarray(offset));
        } catch (error) {
          if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
          targetOpen = false;
          // Our reader is gone: close the child's end so its next write raises SIGPIPE.
          await reader.cancel();
          return;
        }
      }
      record(value);
    }
  } finally {
    reader.releaseLock();
  }
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
