import { EINTR, POLLERR, POLLHUP, POLLIN, POLLNVAL, readReady } from "./fdio.ts";
import { asyncLib, errno, lib } from "./libc.ts";

const F_GETFL = 3;
const F_SETFL = 4;
const O_NONBLOCK = 0o4000;
/** The longest a poll waits, so `onWake` runs at least this often (the recorder's tick). */
const POLL_TIMEOUT_MS = 50;
/**
 * After passing a keystroke on, how long to wait right here for its echo. Waiting on the main
 * thread for a millisecond at human typing speed is cheap; it saves the echo a round trip
 * through a libc thread, which is most of the added latency.
 */
const ECHO_WAIT_MS = 1;
const BUFFER_SIZE = 256 * 1024;
const INPUT_BUFFER_SIZE = 16 * 1024;

export async function setNonBlocking(fd: number): Promise<void> {
  const c = asyncLib();
  const flags = await c.fcntl(fd, F_GETFL, 0);
  if (flags >= 0) await c.fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

export interface PtyProxyHandlers {
  /** Output from the pty (a fresh array the callee may keep). */
  onOutput(chunk: Uint8Array): void;
  /** Bytes the user typed (valid only during the call). */
  onInput?(chunk: Uint8Array): void;
  /** After every wake-up, with data or not, at least every 50 ms. */
  onWake?(): void;
}

/**
 * The session's I/O loop: one poll (on a libc thread) waits for both the pty master and the
 * user's input, then synchronous reads take what is there. One thread hop per wake-up keeps
 * keystroke echo fast; draining the master until the kernel has nothing more reads at a C
 * loop's speed, without loading Node compatibility (which costs start-up time). Resolves on
 * EOF or EIO from the master (Linux's "the slave side is gone"), or after `stop()`.
 */
export class PtyProxy {
  #stopped = false;
  #inputEnded = false;
  #inputPaused: boolean;
  #deadline = Infinity;
  #pollFds = new Uint8Array(16);
  #view = new DataView(this.#pollFds.buffer);
  #buffer = new Uint8Array(BUFFER_SIZE);
  #inputBuffer = new Uint8Array(INPUT_BUFFER_SIZE);

  /**
   * `master` must already be non-blocking (see `setNonBlocking`); `input` (the user's
   * terminal, or -1 for none) is left as it is: it is only read after poll says it has data,
   * and not before `readInput()` when `paused`.
   */
  constructor(readonly master: number, readonly input = -1, paused = false) {
    this.#inputPaused = paused;
    this.#view.setInt32(0, master, true);
    this.#view.setInt16(4, POLLIN, true);
    this.#syncInput();
    this.#view.setInt16(12, POLLIN, true);
  }

  /** Starts reading input (if it has not ended). */
  readInput(): void {
    this.#inputPaused = false;
    this.#syncInput();
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Stops reading input and gives up waiting for the end of output `ms` from now. */
  stopAfter(ms: number): void {
    this.#inputEnded = true;
    this.#syncInput();
    this.#deadline = Math.min(this.#deadline, performance.now() + ms);
  }

  /** Resolves "ended" at the end of output, "stopped" after `stop()` (nothing read since). */
  async run(handlers: PtyProxyHandlers): Promise<"ended" | "stopped"> {
    const poll = asyncLib().poll;
    const view = this.#view;
    let failures = 0;
    while (!this.#stopped) {
      const remaining = this.#deadline - performance.now();
      if (remaining <= 0) return "ended";
      view.setInt16(6, 0, true);
      view.setInt16(14, 0, true);
      const timeout = Math.max(1, Math.min(POLL_TIMEOUT_MS, Math.ceil(remaining)));
      const ready = await poll(this.#pollFds, 2n, timeout);
      if (this.#stopped) return "stopped";
      if (ready < 0) {
        // Only an interruption can fail a poll of valid fds; give up if it persists.
        if (++failures > 100) return "ended";
        continue;
      }
      failures = 0;
      if (ready > 0) {
        const inputEvents = view.getInt16(14, true);
        if (inputEvents !== 0) this.#readInput(inputEvents, handlers);
        const outputEvents = view.getInt16(6, true);
        if (outputEvents !== 0) {
          const { got, ended } = readReady(this.master, this.#buffer);
          if (got > 0) handlers.onOutput(this.#buffer.slice(0, got));
          if (ended || (got === 0 && (outputEvents & (POLLHUP | POLLERR | POLLNVAL)) !== 0)) {
            handlers.onWake?.();
            return "ended";
          }
        }
      }
      handlers.onWake?.();
    }
    return "stopped";
  }

  #readInput(events: number, handlers: PtyProxyHandlers): void {
    if ((events & POLLIN) !== 0) {
      const n = Number(lib().read(this.input, this.#inputBuffer, BigInt(INPUT_BUFFER_SIZE)));
      if (n > 0) {
        handlers.onInput?.(this.#inputBuffer.subarray(0, n));
        this.#awaitEcho();
        return;
      }
      if (n < 0 && errno() === EINTR) return;
    }
    // End of input, or the terminal hung up: stop watching it, keep serving output.
    this.#inputEnded = true;
    this.#syncInput();
  }

  #syncInput(): void {
    const watched = !this.#inputEnded && !this.#inputPaused;
    this.#view.setInt32(8, watched ? this.input : -1, true); // poll ignores negative fds
  }

  /** Marks the master as readable (in the shared poll set) if output comes within the wait. */
  #awaitEcho(): void {
    this.#view.setInt16(6, 0, true);
    lib().poll(this.#pollFds, 1n, ECHO_WAIT_MS); // the first entry: the master alone
  }
}
