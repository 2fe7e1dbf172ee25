import {
  closeFd,
  type ExitStatus,
  killProcess,
  openPty,
  PtyProxy,
  PtyWriter,
  readingSecret,
  setNonBlocking,
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
  const pty = await openPty(size, 0);
  let pid: number;
  try {
    pid = await spawnInPty(pty, options.file, options.argv, options.env);
  } catch (error) {
    await closeFd(pty.master);
    await closeFd(pty.slave);
    throw error;
  }
  // Only the child holds the slave now: its exit makes the master report EOF.
  await closeFd(pty.slave);
  await setNonBlocking(pty.master);
  options.onStarted?.(pid);

  const writer = new PtyWriter(pty.master);
  const signalHandlers: [Deno.Signal, () => void][] = [];
  const onResize = () => {
    const next = terminalSize();
    setWindowSize(pty.master, next).then(() => recorder.resize(next.cols, next.rows));
  };
  Deno.addSignalListener("SIGWINCH", onResize);
  for (const signal of FORWARDED_SIGNALS) {
    const handler = () => killProcess(pid, SIGNAL_NUMBERS[signal]!);
    Deno.addSignalListener(signal, handler);
    signalHandlers.push([signal, handler]);
  }

  enterRawMode();
  const proxy = new PtyProxy(pty.master, 0);
  const drained = proxy.run({
    onOutput: (chunk) => {
      writeAllSync(Deno.stdout, chunk);
      recorder.output(chunk);
    },
    onInput: (bytes) => {
      writer.write(bytes);
      if (!options.captureInput) return;
      if (readingSecret(pty.master)) recorder.hiddenInput(bytes.length);
      else recorder.input(bytes);
    },
    onWake: () => recorder.tick(),
  });

  try {
    const status = await waitForExit(pid);
    proxy.stopAfter(DRAIN_TIMEOUT_MS);
    await drained;
    return status;
  } finally {
    writer.close();
    proxy.stop();
    await closeFd(pty.master);
    restoreTerminal();
    Deno.removeSignalListener("SIGWINCH", onResize);
    for (const [signal, handler] of signalHandlers) Deno.removeSignalListener(signal, handler);
  }
}
