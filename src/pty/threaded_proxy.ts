import { workerModuleUrl } from "../core/worker_url.ts";
import { asyncLib, lib } from "./libc.ts";
import { openPipe } from "./pty.ts";
import {
  BATCH_MAX_BYTES,
  CONTROL_ACKED,
  CONTROL_BYTES,
  CONTROL_DRAIN_MS,
  CONTROL_INPUT,
  CONTROL_STATE,
  POOL_SEGMENTS,
  type ProxyStart,
  type ProxyWorkerMessage,
  STATE_DRAIN,
  STATE_STOP,
} from "./proxy_protocol.ts";

export interface ThreadedProxyHandlers {
  /**
   * `atMs` is when the proxy saw the bytes, on this thread's performance.now() clock. The
   * bytes are a view of shared memory, valid only during the call: copy what must be kept.
   */
  onOutput(chunk: Uint8Array, atMs: number): void;
  onInput?(chunk: Uint8Array, secret: boolean, atMs: number): void;
}

/**
 * The proxy worker seen from the main thread. Starting a worker takes Deno ~15 ms, so the
 * session begins on the main thread's loop and hands over once the worker is ready; commands
 * that end sooner never need it.
 */
export class ProxyWorker {
  readonly ready: Promise<void>;
  #worker: Worker;
  #control = new SharedArrayBuffer(CONTROL_BYTES);
  #pool = new SharedArrayBuffer(POOL_SEGMENTS * BATCH_MAX_BYTES);
  #state = new Int32Array(this.#control);
  #wake: { read: number; write: number } | null = null;
  #ended: Promise<void> | null = null;

  constructor() {
    this.#worker = new Worker(workerModuleUrl(import.meta.url, "proxy_worker"), {
      type: "module",
    });
    this.ready = new Promise((resolve, reject) => {
      this.#worker.onmessage = (event: MessageEvent<ProxyWorkerMessage>) => {
        if (event.data.type === "ready") resolve();
      };
      this.#worker.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`The terminal proxy thread failed to start: ${event.message}`));
      };
    });
  }

  /** Starts serving; resolves when the worker's loop has ended (end of output, or stop). */
  async start(
    fds: { master: number; input: number; output: number },
    readInput: boolean,
    captureInput: boolean,
    pendingInput: Uint8Array[],
    handlers: ThreadedProxyHandlers,
  ): Promise<void> {
    const pipe = await openPipe();
    if (!pipe) throw new Error("Cannot create the proxy's wake-up pipe");
    this.#wake = { read: pipe[0], write: pipe[1] };
    if (readInput) Atomics.store(this.#state, CONTROL_INPUT, 1);
    this.#ended = new Promise((resolve, reject) => {
      this.#worker.onmessage = (event: MessageEvent<ProxyWorkerMessage>) => {
        const message = event.data;
        switch (message.type) {
          case "batch": {
            const bytes = this.#segment(message.segment);
            for (const item of message.items) {
              const at = item.at - performance.timeOrigin;
              const chunk = bytes.subarray(item.start, item.end);
              if (item.kind === "output") handlers.onOutput(chunk, at);
              else handlers.onInput?.(chunk, item.secret, at);
            }
            Atomics.add(this.#state, CONTROL_ACKED, 1);
            Atomics.notify(this.#state, CONTROL_ACKED);
            break;
          }
          case "end":
            resolve();
            break;
          case "failed":
            reject(new Error(`The terminal proxy thread failed: ${message.message}`));
            break;
        }
      };
    });
    const start: ProxyStart = {
      ...fds,
      wake: pipe[0],
      captureInput,
      control: this.#control,
      pool: this.#pool,
      pendingInput,
    };
    this.#worker.postMessage(start);
    return await this.#ended;
  }

  /** Starts reading the user's input (see `start`'s readInput). */
  readInput(): void {
    Atomics.store(this.#state, CONTROL_INPUT, 1);
    this.#poke();
  }

  /** Stops reading input and ends once output is read to its end, or after `ms`. */
  drain(ms: number): void {
    new Float64Array(this.#control, CONTROL_DRAIN_MS * 4, 1)[0] = Date.now() + ms;
    Atomics.store(this.#state, CONTROL_STATE, STATE_DRAIN);
    this.#poke();
  }

  async close(): Promise<void> {
    Atomics.store(this.#state, CONTROL_STATE, STATE_STOP);
    this.#poke();
    this.#worker.terminate();
    if (this.#wake) {
      await asyncLib().close(this.#wake.read);
      await asyncLib().close(this.#wake.write);
      this.#wake = null;
    }
  }

  #segments: Uint8Array[] = [];

  /** A batch's bytes: valid until it is acknowledged (the worker then fills it again). */
  #segment(index: number): Uint8Array {
    return this.#segments[index] ??= new Uint8Array(
      this.#pool,
      index * BATCH_MAX_BYTES,
      BATCH_MAX_BYTES,
    );
  }

  #poke(): void {
    if (this.#wake) lib().write(this.#wake.write, new Uint8Array(1), 1n);
  }
}
