/// <reference lib="deno.worker" />
/**
 * The terminal proxy on its own thread: blocking poll on the pty master, the user's input and
 * a wake-up pipe; keystrokes to the master and output to the user's terminal at once, as a C
 * loop would, whatever the main thread is doing. Copies go to the main thread for recording.
 * Control comes through shared memory (the loop never yields to this worker's event loop).
 */
import { EAGAIN, EINTR, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, readReady } from "./fdio.ts";
import { bindHotSymbols, errno, lib } from "./libc.ts";
import { readingSecret } from "./pty.ts";
import {
  BATCH_DUE_MS,
  BATCH_MAX_BYTES,
  BATCH_MAX_MS,
  BATCH_QUIET_MS,
  CONTROL_ACKED,
  CONTROL_DRAIN_MS,
  CONTROL_INPUT,
  CONTROL_STATE,
  MAX_IN_FLIGHT,
  POOL_SEGMENTS,
  type ProxyItem,
  type ProxyStart,
  type ProxyWorkerMessage,
  STATE_DRAIN,
  STATE_STOP,
} from "./proxy_protocol.ts";

const IDLE_POLL_MS = 50;
/** Below this much room left, a batch is sent before the next read (a pty read gives ≤ 4 KiB). */
const MIN_READ_SPACE = 16 * 1024;
/** Output read within this long of an event's first bytes joins that event. */
const MERGE_MS = 1;

const post = (message: ProxyWorkerMessage) => self.postMessage(message);

/**
 * Copies for the recorder, sent in batches (see BATCH_DUE_MS). Output is read straight into
 * the batch's segment of the shared pool and passed on to the terminal from there: no copy,
 * no allocation per read or per batch.
 */
class Batch {
  #pool: SharedArrayBuffer;
  #control: Int32Array;
  #buffer: Uint8Array;
  #used = 0;
  #items: ProxyItem[] = [];
  #since = 0;
  sent = 0;

  constructor(pool: SharedArrayBuffer, control: Int32Array) {
    this.#pool = pool;
    this.#control = control;
    this.#buffer = this.#segment(0);
  }

  /** Where the next output read goes. */
  space(): Uint8Array {
    if (this.#buffer.length - this.#used < MIN_READ_SPACE) this.send();
    return this.#buffer.subarray(this.#used);
  }

  /** Records `length` bytes just read into `space()`. */
  addOutput(at: number, length: number): void {
    const start = this.#used;
    this.#used += length;
    const last = this.#items.at(-1);
    if (last?.kind === "output" && last.end === start && at - last.at < MERGE_MS) {
      last.end = this.#used;
      return;
    }
    this.#push({ kind: "output", at, start, end: this.#used });
  }

  addInput(at: number, bytes: Uint8Array, secret: boolean): void {
    if (this.#buffer.length - this.#used < bytes.length) this.send();
    const start = this.#used;
    this.#buffer.set(bytes, start);
    this.#used += bytes.length;
    this.#push({ kind: "input", at, start, end: this.#used, secret });
  }

  /** How long the poll may wait: until the batch is due, then only for a quiet moment. */
  timeout(idleMs: number, now: number): number {
    if (this.#items.length === 0) return idleMs;
    const age = now - this.#since;
    if (age >= BATCH_DUE_MS) return Math.min(idleMs, BATCH_QUIET_MS);
    return Math.max(0, Math.min(idleMs, Math.ceil(BATCH_DUE_MS - age)));
  }

  /** After a poll: `quiet` when it timed out with nothing to do. */
  sendIfDue(now: number, quiet: boolean): void {
    if (this.#items.length === 0) return;
    const age = now - this.#since;
    if ((quiet && age >= BATCH_DUE_MS) || age >= BATCH_MAX_MS) this.send();
  }

  send(): void {
    if (this.#items.length === 0) return;
    const items = this.#items;
    const segment = this.sent % POOL_SEGMENTS;
    this.#items = [];
    this.#used = 0;
    this.sent++;
    post({ type: "batch", segment, items });
    // The next segment must not be one the main thread is still reading.
    while (this.sent - Atomics.load(this.#control, CONTROL_ACKED) >= POOL_SEGMENTS) {
      const acked = Atomics.load(this.#control, CONTROL_ACKED);
      if (Atomics.load(this.#control, CONTROL_STATE) === STATE_STOP) break;
      Atomics.wait(this.#control, CONTROL_ACKED, acked, 100);
    }
    this.#buffer = this.#segment(this.sent % POOL_SEGMENTS);
  }

  #segment(index: number): Uint8Array {
    return new Uint8Array(this.#pool, index * BATCH_MAX_BYTES, BATCH_MAX_BYTES);
  }

  #push(item: ProxyItem): void {
    if (this.#items.length === 0) this.#since = item.at;
    this.#items.push(item);
    if (this.#buffer.length - this.#used < MIN_READ_SPACE) this.send();
  }
}

const now = () => performance.timeOrigin + performance.now();

self.onmessage = (event: MessageEvent<ProxyStart>) => {
  self.onmessage = null;
  const batch = new Batch(event.data.pool, new Int32Array(event.data.control));
  try {
    serve(event.data, batch);
  } catch (error) {
    batch.send();
    post({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    return;
  }
  batch.send();
  post({ type: "end" });
};
// Binding the symbols now means the loop starts without delay when the main thread hands over.
bindHotSymbols();
post({ type: "ready" });

function serve(start: ProxyStart, batch: Batch): void {
  const c = lib();
  const control = new Int32Array(start.control);
  const drainDeadline = new Float64Array(start.control, CONTROL_DRAIN_MS * 4, 1);
  const fds = new Uint8Array(24);
  const view = new DataView(fds.buffer);
  const setEntry = (index: number, fd: number, events: number) => {
    view.setInt32(index * 8, fd, true);
    view.setInt16(index * 8 + 4, events, true);
    view.setInt16(index * 8 + 6, 0, true);
  };
  let inputEnded = false;
  const pendingInput: Uint8Array[] = [...start.pendingInput];
  const inputBuffer = new Uint8Array(16 * 1024);
  const wakeBuffer = new Uint8Array(64);

  for (;;) {
    const state = Atomics.load(control, CONTROL_STATE);
    if (state === STATE_STOP) return;
    let timeout = IDLE_POLL_MS;
    const inputFd =
      inputEnded || state === STATE_DRAIN || Atomics.load(control, CONTROL_INPUT) !== 1
        ? -1
        : start.input;
    if (state === STATE_DRAIN) {
      const remaining = drainDeadline[0] - Date.now();
      if (remaining <= 0) return;
      timeout = Math.min(timeout, Math.ceil(remaining));
    }
    const throttled = batch.sent - Atomics.load(control, CONTROL_ACKED) >= MAX_IN_FLIGHT;
    timeout = batch.timeout(timeout, now());
    setEntry(
      0,
      start.master,
      (throttled ? 0 : POLLIN) | (pendingInput.length > 0 ? POLLOUT : 0),
    );
    setEntry(1, inputFd, POLLIN);
    setEntry(2, start.wake, POLLIN);
    const ready = c.poll(fds, 3n, throttled ? Math.min(timeout, 2) : timeout);
    if (ready <= 0) { // timeout, or an interruption
      batch.sendIfDue(now(), ready === 0);
      continue;
    }
    if (view.getInt16(22, true) !== 0) c.read(start.wake, wakeBuffer, BigInt(wakeBuffer.length));

    const inputEvents = view.getInt16(14, true);
    if (inputEvents !== 0) {
      const n = (inputEvents & POLLIN) !== 0
        ? Number(c.read(inputFd, inputBuffer, BigInt(inputBuffer.length)))
        : 0;
      if (n > 0) {
        const typed = inputBuffer.slice(0, n);
        pendingInput.push(typed);
        if (start.captureInput) {
          const secret = readingSecret(start.master);
          batch.addInput(now(), typed, secret);
        }
      } else if (!(n < 0 && errno() === EINTR)) {
        inputEnded = true; // end of input or hang-up: keep serving output
      }
    }
    if (pendingInput.length > 0) writeInput(start.master, pendingInput);

    const masterEvents = view.getInt16(6, true);
    if ((masterEvents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) !== 0) {
      const space = batch.space();
      const { got, ended } = readReady(start.master, space);
      if (got > 0) {
        writeAll(start.output, space.subarray(0, got));
        batch.addOutput(now(), got);
      }
      if (ended || (got === 0 && (masterEvents & (POLLHUP | POLLERR | POLLNVAL)) !== 0)) return;
    }
    batch.sendIfDue(now(), false);
  }
}

/** Writes queued keystrokes until the master would block. */
function writeInput(master: number, queue: Uint8Array[]): void {
  const c = lib();
  while (queue.length > 0) {
    const head = queue[0];
    const n = Number(c.write(master, head as Uint8Array<ArrayBuffer>, BigInt(head.length)));
    if (n < 0) {
      const code = errno();
      if (code === EINTR) continue;
      if (code !== EAGAIN) queue.length = 0; // the session is ending: input has nowhere to go
      return;
    }
    if (n < head.length) queue[0] = head.subarray(n);
    else queue.shift();
  }
}

const waitFd = new Uint8Array(8);
const waitView = new DataView(waitFd.buffer);

/** Writes everything to the user's terminal, waiting while it is full. */
function writeAll(fd: number, bytes: Uint8Array): void {
  const c = lib();
  let offset = 0;
  while (offset < bytes.length) {
    const rest = bytes.subarray(offset);
    const n = Number(c.write(fd, rest as Uint8Array<ArrayBuffer>, BigInt(rest.length)));
    if (n > 0) {
      offset += n;
      continue;
    }
    const code = errno();
    if (code === EINTR) continue;
    if (code !== EAGAIN) return; // the terminal is gone: keep recording regardless
    waitView.setInt32(0, fd, true);
    waitView.setInt16(4, POLLOUT, true);
    c.poll(waitFd, 1n, 100);
  }
}
