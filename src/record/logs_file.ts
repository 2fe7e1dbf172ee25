import type { CastEventCode, CastHeader } from "../cast/types.ts";
import { Terminal } from "../cast/vt/terminal.ts";
import type { CastSink } from "./sink.ts";

const encoder = new TextEncoder();
const RESIZE = /^(\d+)x(\d+)$/;

/**
 * The `logs` action: the searchable text of the session, as a person saw it (escape sequences
 * interpreted, full-screen programs left out), one JSON line per screen line with the time it
 * scrolled away: `{"t": seconds, "text": "…"}` in logs.jsonl. Bounded memory: one screen.
 */
export class LogsFileSink implements CastSink {
  readonly name: string;
  #file: Deno.FsFile;
  #terminal: Terminal | null = null;
  #pending: string[] = [];
  #time = 0;

  constructor(readonly path: string) {
    this.name = path;
    this.#file = Deno.openSync(path, { write: true, create: true, truncate: true, mode: 0o600 });
  }

  header(header: CastHeader): void {
    this.#terminal = new Terminal({
      cols: header.cols,
      rows: header.rows,
      onLine: (text, time) => {
        if (text.trim() !== "") this.#pending.push(JSON.stringify({ t: round3(time), text }));
      },
    });
  }

  event(time: number, code: CastEventCode, data: string): void {
    this.#time = time;
    if (!this.#terminal) return;
    if (code === "o") this.#terminal.write(data, time);
    else if (code === "r") {
      const size = RESIZE.exec(data);
      if (size) this.#terminal.resize(Number(size[1]), Number(size[2]), time);
    }
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const bytes = encoder.encode(this.#pending.join("\n") + "\n");
    this.#pending = [];
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
  }

  close(): void {
    try {
      this.#terminal?.finish(this.#time);
      this.flush();
    } finally {
      this.#file.close();
    }
  }
}

function round3(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
