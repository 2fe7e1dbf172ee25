import type { CastEventCode, CastHeader } from "../cast/types.ts";
import { encodeV3Header, V3EventEncoder } from "../cast/v3.ts";
import type { CastSink } from "./sink.ts";

const encoder = new TextEncoder();
/** Past this many buffered bytes, write at once instead of waiting for the flush tick. */
const MAX_BUFFERED = 256 * 1024;
const LINE_END = encoder.encode('"]\n');

/** Writes asciicast v3, line by line, so a killed recorder leaves a valid prefix. */
export class CastFileSink implements CastSink {
  readonly name: string;
  #file: Deno.FsFile;
  #events = new V3EventEncoder();
  /** Lines not written yet, in one buffer reused for the whole session. */
  #pending = new Uint8Array(2 * MAX_BUFFERED);
  #pendingSize = 0;
  #written = 0;

  constructor(readonly path: string) {
    this.name = path;
    this.#file = Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
  }

  /** Bytes written to the file so far. */
  get size(): number {
    return this.#written;
  }

  header(header: CastHeader): void {
    this.#addText(encodeV3Header(header));
    this.flush();
  }

  event(time: number, code: CastEventCode, data: string): void {
    this.#addText(this.#events.encode(time, code, data));
  }

  eventJson(time: number, code: "o" | "i", json: Uint8Array): void {
    this.#addText(this.#events.lineStart(time, code));
    this.#add(json);
    this.#add(LINE_END);
    if (this.#pendingSize >= MAX_BUFFERED) this.flush();
  }

  flush(): void {
    let offset = 0;
    while (offset < this.#pendingSize) {
      offset += this.#file.writeSync(this.#pending.subarray(offset, this.#pendingSize));
    }
    this.#written += this.#pendingSize;
    this.#pendingSize = 0;
  }

  close(): void {
    try {
      this.flush();
      this.#file.syncSync();
    } finally {
      this.#file.close();
    }
  }

  #addText(text: string): void {
    this.#add(encoder.encode(text));
    if (this.#pendingSize >= MAX_BUFFERED) this.flush();
  }

  /** Appends to the pending buffer (a line may be split over calls; see eventBytes). */
  #add(bytes: Uint8Array): void {
    const needed = this.#pendingSize + bytes.length;
    if (needed > this.#pending.length) {
      const grown = new Uint8Array(Math.max(needed, this.#pending.length * 2));
      grown.set(this.#pending.subarray(0, this.#pendingSize));
      this.#pending = grown;
    }
    this.#pending.set(bytes, this.#pendingSize);
    this.#pendingSize = needed;
  }
}
