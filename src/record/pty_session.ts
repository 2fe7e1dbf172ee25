import { SIGNAL_NUMBERS } from "../core/signals.ts";
import {
  closeFd,
  type ExitStatus,
  isForegroundOf,
  killProcess,
  openPty,
  ProxyWorker,
  PtyProxy,
  PtyWriter,
  readingSecret,
  setNonBlocking,
  setWindowSize,
  spawnInPty,
  waitForExit,
} from "../pty/mod.ts";
import type { Recorder } from "./recorder.ts";
import { mark } from "../core/startup_marks.ts";
import {
  enterRawMode,
  enterRawOutput,
  restoreTerminal,
  terminalSize,
  writeAllSync,
} from "./terminal.ts";

/** How long a session runs on the main thread's loop before the proxy thread is started. */
const THREAD_AFTER_MS = 30;
/** After the child exits, how long to wait for the pty to report EOF before giving up. */
const DRAIN_TIMEOUT_MS = 3000;
/** Started in the background of the terminal: how often to look whether it is ours now. */
const FOREGROUND_CHECK_MS = 100;

const FORWARDED_SIGNALS: Deno.Signal[] = ["SIGTERM", "SIGHUP", "SIGINT", "SIGQUIT"];

export interface PtySessionOptions {
  file: string;
  argv: string[];
  env: Record<string, string>;
  recorder: Recorder;
  captureInput: boolean;
  /** Serve the terminal from a dedicated thread once it is up (default true). */
  threaded?: boolean;
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
  // Started as a background job (`ddcoterm -- cmd &`): the child runs and its output shows, as a
  // bare background job's would; the terminal's modes and input wait until it is brought to the
  // foreground (touching them now would stop the whole job with SIGTTOU or SIGTTIN). The pty
  // then starts with the kernel's sane modes: the terminal's current ones are the shell's line
  // editor's (no echo, no line mode), not those a command is given.
  const terminal = { ours: await isForegroundOf(0) };
  const pty = await openPty(size, terminal.ours ? 0 : undefined);
  mark("pty opened");
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
  mark("pty child spawned");
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

  let watch: ReturnType<typeof setInterval> | undefined;
  // Deno's timers cost ~6 ms on first use (clearInterval too): only when there is one.
  const stopWatching = () => {
    if (watch !== undefined) clearInterval(watch);
  };
  if (terminal.ours) {
    enterRawMode();
    await enterRawOutput();
  }
  const recordInput = (bytes: Uint8Array, secret: boolean, atMs?: number) => {
    if (!options.captureInput) return;
    if (secret) recorder.hiddenInput(bytes.length, atMs);
    else recorder.input(bytes, atMs);
  };
  const recordOutput = (chunk: Uint8Array, atMs?: number) => recorder.output(chunk, atMs);

  // The main thread serves the terminal until the proxy thread is ready, then hands over.
  const proxy = new PtyProxy(pty.master, 0, !terminal.ours);
  // Short commands end before a thread would pay off: start it once the session has lasted.
  const thread: { worker: ProxyWorker | null } = { worker: null };
  const startedAt = performance.now();
  const maybeStartWorker = () => {
    if (thread.worker || options.threaded === false) return;
    if (performance.now() - startedAt < THREAD_AFTER_MS) return;
    thread.worker = new ProxyWorker();
    thread.worker.ready.then(() => proxy.stop(), () => {/* stay on the main thread */});
  };
  let handedOver = false;
  let draining = false;
  const takeTerminalIfOurs = async () => {
    if (terminal.ours || draining) return;
    const foreground = await isForegroundOf(0);
    if (!foreground || terminal.ours || draining) return;
    terminal.ours = true;
    stopWatching();
    enterRawMode();
    await enterRawOutput();
    onResize(); // SIGWINCH only reaches the foreground
    proxy.readInput();
    thread.worker?.readInput();
  };
  if (!terminal.ours) {
    watch = setInterval(takeTerminalIfOurs, FOREGROUND_CHECK_MS);
    Deno.addSignalListener("SIGCONT", takeTerminalIfOurs);
  }
  const served = (async () => {
    const outcome = await proxy.run({
      onOutput: (chunk) => {
        writeAllSync(Deno.stdout, chunk);
        recordOutput(chunk);
      },
      onInput: (bytes) => {
        writer.write(bytes);
        recordInput(bytes, readingSecret(pty.master));
      },
      onWake: () => {
        recorder.tick();
        if (!draining) maybeStartWorker();
      },
    });
    const worker = thread.worker;
    if (outcome === "ended" || !worker) return;
    handedOver = true;
    recorder.startTicker();
    if (draining) worker.drain(DRAIN_TIMEOUT_MS);
    await worker.start(
      { master: pty.master, input: 0, output: 1 },
      terminal.ours,
      options.captureInput,
      writer.takePending(),
      { onOutput: recordOutput, onInput: recordInput },
    );
  })();

  try {
    const status = await waitForExit(pid);
    mark("child exited");
    draining = true;
    stopWatching();
    if (handedOver) thread.worker?.drain(DRAIN_TIMEOUT_MS);
    else proxy.stopAfter(DRAIN_TIMEOUT_MS);
    await served;
    mark("output drained");
    return status;
  } finally {
    writer.close();
    proxy.stop();
    await thread.worker?.close();
    await closeFd(pty.master);
    restoreTerminal();
    stopWatching();
    Deno.removeSignalListener("SIGWINCH", onResize);
    if (watch !== undefined) Deno.removeSignalListener("SIGCONT", takeTerminalIfOurs);
    for (const [signal, handler] of signalHandlers) Deno.removeSignalListener(signal, handler);
  }
}
