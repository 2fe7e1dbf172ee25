import tty from "node:tty";
import {
  closeFd,
  type ExitStatus,
  killProcess,
  openPty,
  PtyWriter,
  readingSecret,
  setWindowSize,
  spawnInPty,
  waitForExit,
} from "../pty/mod.ts";
import type { Recorder } from "./recorder.ts";
import { enterRawMode, restoreTerminal, terminalSize, writeAllSync } from "./terminal.ts";

/** After the child exits, how long to wait for the pty to report EOF before giving up. */
const DRAIN_TIMEOUT_MS = 3000;

const FORWARDED_SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"];
const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGTERM: 15,
};

export interface PtySessionOptions {
  file: string;
  argv: string[];
  env: Record<string, string>;
  recorder: Recorder;
  captureInput: boolean;
  /** Called once the child runs, before the first byte is read. */
  onStarted?: (pid: number) => void;
}

/**
 * Runs the child in a new pty, proxying the user's terminal to it: raw bytes to the user at
 * once, a copy through the recorder. Resolves with the child's exit status after the pty has
 * been read to its end, so no tail bytes are lost.
 */
export async function runPtySession(options: PtySessionOptions): Promise<ExitStatus> {
  const { recorder } = options;
  const size = terminalSize();
  const pty = openPty(size, 0);
  let pid: number;
  try {
    pid = spawnInPty(pty, options.file, options.argv, options.env);
  } catch (error) {
    closeFd(pty.master);
    closeFd(pty.slave);
    throw error;
  }
  // Only the child holds the slave now: its exit makes the master report EOF.
  closeFd(pty.slave);
  options.onStarted?.(pid);

  const writer = new PtyWriter(pty.master);
  const signalHandlers: [Deno.Signal, () => void][] = [];
  const onResize = () => {
    const next = terminalSize();
    setWindowSize(pty.master, next);
    recorder.resize(next.cols, next.rows);
  };
  Deno.addSignalListener("SIGWINCH", onResize);
  for (const signal of FORWARDED_SIGNALS) {
    const handler = () => killProcess(pid, SIGNAL_NUMBERS[signal]!);
    Deno.addSignalListener(signal, handler);
    signalHandlers.push([signal, handler]);
  }

  enterRawMode();
  const reader = new tty.ReadStream(pty.master);
  const drained = new Promise<void>((resolve) => {
    reader.on("data", (chunk: Uint8Array) => {
      writeAllSync(Deno.stdout, chunk);
      recorder.output(chunk);
    });
    // EIO is how Linux reports that the slave side is gone: the normal end.
    reader.on("error", () => resolve());
    reader.on("end", () => resolve());
    reader.on("close", () => resolve());
  });

  let running = true;
  const pumpInput = async () => {
    const buffer = new Uint8Array(16 * 1024);
    while (running) {
      let n: number | null;
      try {
        n = await Deno.stdin.read(buffer);
      } catch {
        return;
      }
      if (n === null || !running) return;
      const bytes = buffer.subarray(0, n);
      writer.write(bytes);
      if (options.captureInput) {
        if (readingSecret(pty.master)) recorder.hiddenInput(n);
        else recorder.input(bytes);
      }
    }
  };
  pumpInput();

  try {
    const status = await waitForExit(pid);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      drained,
      new Promise<void>((resolve) => timer = setTimeout(resolve, DRAIN_TIMEOUT_MS)),
    ]);
    clearTimeout(timer);
    return status;
  } finally {
    running = false;
    writer.close();
    reader.destroy(); // closes the master
    restoreTerminal();
    Deno.removeSignalListener("SIGWINCH", onResize);
    for (const [signal, handler] of signalHandlers) Deno.removeSignalListener(signal, handler);
  }
}
