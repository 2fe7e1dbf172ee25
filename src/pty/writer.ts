import { EAGAIN, EINTR } from "./fdio.ts";
import { errno, lib } from "./libc.ts";

const RETRY_MS = 2;

/**
 * Writes keystrokes to the pty master. The master is non-blocking, so a child that stops reading (a big paste into a busy program) fills the buffer: the rest waits
 * in order and is retried, never dropped and never blocking the loop.
 */
export class PtyWriter {
  #queue: Uint8Array[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(readonly fd: number) {}

  write(bytes: Uint8Array): void {
    if (this.#closed || bytes.length === 0) return;
    this.#queue.push(bytes.slice());
    if (this.#timer === undefined) this.#drain();
  }

  /** Stops writing and returns what was not written yet (to hand it to another writer). */
  takePending(): Uint8Array[] {
    const pending = this.#queue;
    this.close();
    return pending;
  }

  close(): void {
    this.#closed = true;
    // Only touch timers when one exists: Deno's first timer call costs ~6 ms.
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#queue = [];
  }

  #drain(): void {
    this.#timer = undefined;
    while (this.#queue.length > 0 && !this.#closed) {
      const head = this.#queue[0];
      const n = Number(lib().write(this.fd, head as Uint8Array<ArrayBuffer>, BigInt(head.length)));
      if (n < 0) {
        const code = errno();
        if (code === EINTR) continue;
        if (code === EAGAIN) {
          this.#timer = setTimeout(() => this.#drain(), RETRY_MS);
          return;
        }
        this.close(); // EIO: the session is ending; input has nowhere to go.
        return;
      }
      if (n < head.length) this.#queue[0] = head.subarray(n);
      else this.#queue.shift();
    }
  }
}
