/**
 * events.jsonl: one JSON object per line (redactions, process execs, guardrail audit events),
 * each with the session time offset `t` so a player can seek to it. Opened on the first event.
 */
export interface SessionEvent {
  /** Seconds since the session started. */
  t: number;
  /** Wall time, ISO 8601. */
  time: string;
  type: string;
  [field: string]: unknown;
}

const encoder = new TextEncoder();

export class EventsFile {
  #file: Deno.FsFile | null = null;
  #count = 0;

  constructor(readonly path: string) {}

  get count(): number {
    return this.#count;
  }

  append(event: SessionEvent): void {
    this.#file ??= Deno.openSync(this.path, { append: true, create: true, mode: 0o600 });
    const bytes = encoder.encode(JSON.stringify(event) + "\n");
    let offset = 0;
    while (offset < bytes.length) offset += this.#file.writeSync(bytes.subarray(offset));
    this.#count++;
  }

  close(): void {
    this.#file?.close();
    this.#file = null;
  }
}
