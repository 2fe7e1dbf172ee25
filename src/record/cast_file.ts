import type { CastEventCode, CastHeader } from "../cast/types.ts";
import { encodeV3Header, V3EventEncoder } from "../cast/v3.ts";
import type { CastSink } from "./sink.ts";

const encoder = new TextEncoder();
/** Past this many buffered characters, write at once instead of waiting for the flush tick. */
const MAX_BUFFERED = 256 * 1024;

/** Writes asciicast v3, line by line, so a killed recorder leaves a valid prefix. */
export class CastFileSink implements CastSink {
  readonly name: string;
  #file: Deno.FsFile;
  #events = new V3EventEncoder();
  #pending: string[] = [];
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
    this.#pending.push(encodeV3Header(header));
    this.flush();
  }

  event(time: number, code: CastEventCode, data: string): void {
    const line = this.#events.encode(time, code, data);
    this.#pending.push(line);
    this.#pendingSize += line.length;
    if (this.#pendingSize >= MAX_BUFFERED) this.flush();
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = encoder.encode(this.#pending.join(""));
    this.#pending = [];
    this.#pendingSize = 0;
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
    this.#written += bytes.length;
  }

  close(): void {
    try {
      this.flush();
      this.#file.syncSync();
    } finally {
      this.#file.close();
    }
  }
}
