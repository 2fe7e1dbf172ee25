import { CastJsonEncoder } from "../cast/json_bytes.ts";
import type { CastEventCode, CastHeader } from "../cast/types.ts";
import { encodeV3Header, V3EventEncoder } from "../cast/v3.ts";
import type { CastSink } from "./sink.ts";

const encoder = new TextEncoder();
/** Past this many buffered bytes, write at once instead of waiting for the flush tick. */
const MAX_BUFFERED = 256 * 1024;

/** Writes asciicast v3, line by line, so a killed recorder leaves a valid prefix. */
export class CastFileSink implements CastSink {
  readonly name: string;
  #file: Deno.FsFile;
  #events = new V3EventEncoder();
  #json = { o: new CastJsonEncoder(), i: new CastJsonEncoder() };
  #pending: Uint8Array[] = [];
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
    this.#add(encoder.encode(encodeV3Header(header)));
    this.flush();
  }

  event(time: number, code: CastEventCode, data: string): void {
    this.#add(encoder.encode(this.#events.encode(time, code, data)));
  }

  eventBytes(time: number, code: "o" | "i", bytes: Uint8Array, final: boolean): void {
    const json = this.#json[code];
    let escaped = json.encode(bytes);
    if (final) {
      const rest = json.flush();
      if (rest.length > 0) {
        const all = new Uint8Array(escaped.length + rest.length);
        all.set(escaped);
        all.set(rest, escaped.length);
        escaped = all;
      }
    }
    if (escaped.length > 0) this.#add(this.#events.encodeBytes(time, code, escaped));
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = this.#pending.length === 1
      ? this.#pending[0]
      : concat(this.#pending, this.#pendingSize);
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

  #add(line: Uint8Array): void {
    this.#pending.push(line);
    this.#pendingSize += line.length;
    if (this.#pendingSize >= MAX_BUFFERED) this.flush();
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
