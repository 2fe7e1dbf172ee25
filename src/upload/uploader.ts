/**
 * Uploads one session folder (the spool) to the server: meta.json, and session.cast and
 * events.jsonl as ordered, hash-chained chunks of complete lines. Resumable: on start (and
 * after any 409) it asks the server what it has, so a crash between a send and the local state
 * write is harmless. Each stored chunk is appended to upload-chain.jsonl for `ddcoterm verify`.
 * All I/O is async and one request is in flight at a time: it never competes with the recorder.
 */
import { abortableSleep } from "../core/sleep.ts";
import type { Connection } from "./connection.ts";
import { transition, type UploadPhase } from "./state.ts";

export type StreamName = "cast" | "events";
export const STREAM_FILES: Record<StreamName, string> = {
  cast: "session.cast",
  events: "events.jsonl",
};

export interface StreamProgress {
  nextSeq: number;
  /** Bytes of the file the server has. */
  offset: number;
  lastSha256: string;
}

export interface UploadFile {
  version: 1;
  streams: Record<StreamName, StreamProgress>;
  /** mtime (ms) of the meta.json last sent. */
  metaSentMtime: number | null;
  /** Everything including the ended meta.json is on the server. */
  complete: boolean;
}

export const UPLOAD_STATE = "upload.json";
export const CHAIN_LOG = "upload-chain.jsonl";
const DEFAULT_MAX_CHUNK = 1024 * 1024;

export class UploadRejected extends Error {}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function readUploadState(dir: string): UploadFile | undefined {
  try {
    return JSON.parse(Deno.readTextFileSync(`${dir}/${UPLOAD_STATE}`));
  } catch {
    return undefined;
  }
}

function emptyState(): UploadFile {
  return {
    version: 1,
    streams: {
      cast: { nextSeq: 0, offset: 0, lastSha256: "" },
      events: { nextSeq: 0, offset: 0, lastSha256: "" },
    },
    metaSentMtime: null,
    complete: false,
  };
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch {
    return 0;
  }
}

/** Reads up to `max` bytes at `offset` and keeps only complete lines (undefined: none yet). */
async function readLines(
  path: string,
  offset: number,
  max: number,
): Promise<Uint8Array | undefined> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch {
    return undefined;
  }
  try {
    await file.seek(offset, Deno.SeekMode.Start);
    const buffer = new Uint8Array(max);
    let filled = 0;
    while (filled < max) {
      const n = await file.read(buffer.subarray(filled));
      if (n === null) break;
      filled += n;
    }
    const end = buffer.subarray(0, filled).lastIndexOf(0x0a);
    if (end === -1) {
      if (filled === max) {
        throw new UploadRejected(
          `A line of ${path} is longer than the server's chunk limit (${max} bytes)`,
        );
      }
      return undefined;
    }
    return buffer.slice(0, end + 1);
  } finally {
    file.close();
  }
}

export interface UploaderOptions {
  fetch?: typeof fetch;
  /** Told of bytes sent, for progress bars. */
  onBytes?: (bytes: number) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class SessionUploader {
  readonly id: string;
  #state: UploadFile;
  #phase: UploadPhase = { phase: "unsynced", attempt: 0 };
  #maxChunk = DEFAULT_MAX_CHUNK;
  #fetch: typeof fetch;
  #options: UploaderOptions;

  constructor(
    readonly dir: string,
    readonly connection: Connection,
    options: UploaderOptions = {},
  ) {
    this.id = dir.slice(dir.lastIndexOf("/") + 1);
    this.#state = readUploadState(dir) ?? emptyState();
    this.#fetch = options.fetch ?? fetch;
    this.#options = options;
  }

  get state(): UploadFile {
    return this.#state;
  }

  get phase(): UploadPhase {
    return this.#phase;
  }

  /** Bytes of the session files not yet on the server. */
  async pendingBytes(): Promise<number> {
    let total = 0;
    for (const stream of ["cast", "events"] as const) {
      total += Math.max(
        0,
        (await fileSize(`${this.dir}/${STREAM_FILES[stream]}`)) -
          this.#state.streams[stream].offset,
      );
    }
    return total;
  }

  async #request(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("authorization", `Bearer ${this.connection.apiKey}`);
    return await this.#fetch(`${this.connection.url}/api/v1${path}`, {
      ...init,
      method,
      headers,
      signal: init.signal ?? AbortSignal.timeout(30_000),
    });
  }

  async #check(response: Response, what: string): Promise<Response> {
    if (response.ok) return response;
    const text = await response.text().catch(() => "");
    let message = text;
    try {
      message = JSON.parse(text).error ?? text;
    } catch {
      // Not JSON.
    }
    const error = new Error(`${what}: HTTP ${response.status}: ${message}`) as Error & {
      status?: number;
      retryAfterMs?: number;
    };
    error.status = response.status;
    const retryAfter = Number(response.headers.get("retry-after"));
    if (Number.isFinite(retryAfter) && retryAfter > 0) error.retryAfterMs = retryAfter * 1000;
    throw error;
  }

  #save(): Promise<void> {
    const tmp = `${this.dir}/.${UPLOAD_STATE}.tmp`;
    return Deno.writeTextFile(tmp, JSON.stringify(this.#state), { mode: 0o600 })
      .then(() => Deno.rename(tmp, `${this.dir}/${UPLOAD_STATE}`));
  }

  async #sync(): Promise<void> {
    const limits = await this.#check(await this.#request("GET", "/limits"), "limits");
    this.#maxChunk = Number((await limits.json()).maxChunkBytes) || DEFAULT_MAX_CHUNK;
    const response = await this.#check(
      await this.#request("GET", `/sessions/${this.id}/streams`),
      "streams",
    );
    const { streams } = await response.json();
    for (const stream of ["cast", "events"] as const) {
      const server = streams[stream];
      const size = await fileSize(`${this.dir}/${STREAM_FILES[stream]}`);
      if (server.bytes > size) {
        throw new UploadRejected(
          `The server has more of ${
            STREAM_FILES[stream]
          } than this machine (${server.bytes} > ${size} bytes)`,
        );
      }
      this.#state.streams[stream] = {
        nextSeq: server.nextSeq,
        offset: server.bytes,
        lastSha256: server.lastSha256,
      };
    }
    await this.#save();
  }

  async #putMeta(): Promise<boolean> {
    const path = `${this.dir}/meta.json`;
    let mtime: number;
    let text: string;
    try {
      mtime = (await Deno.stat(path)).mtime?.getTime() ?? 0;
      if (mtime === this.#state.metaSentMtime) return false;
      text = await Deno.readTextFile(path);
    } catch {
      return false;
    }
    await this.#check(
      await this.#request("PUT", `/sessions/${this.id}/meta`, {
        body: text,
        headers: { "content-type": "application/json" },
      }),
      "meta.json",
    );
    this.#state.metaSentMtime = mtime;
    await this.#save();
    return true;
  }

  /** Sends the next chunk of `stream`; false when there is no complete line left to send. */
  async #sendChunk(stream: StreamName): Promise<boolean> {
    const progress = this.#state.streams[stream];
    const body = await readLines(
      `${this.dir}/${STREAM_FILES[stream]}`,
      progress.offset,
      this.#maxChunk,
    );
    if (!body) return false;
    const sha256 = await sha256Hex(body);
    await this.#check(
      await this.#request(
        "PUT",
        `/sessions/${this.id}/streams/${stream}/chunks/${progress.nextSeq}`,
        {
          body: body as Uint8Array<ArrayBuffer>,
          headers: {
            "content-type": "application/octet-stream",
            "x-chunk-sha256": sha256,
            "x-prev-sha256": progress.lastSha256,
          },
        },
      ),
      `${stream} chunk ${progress.nextSeq}`,
    );
    const entry = {
      stream,
      seq: progress.nextSeq,
      offset: progress.offset,
      size: body.length,
      sha256,
      prev: progress.lastSha256,
    };
    await Deno.writeTextFile(`${this.dir}/${CHAIN_LOG}`, JSON.stringify(entry) + "\n", {
      append: true,
      mode: 0o600,
    });
    this.#state.streams[stream] = {
      nextSeq: progress.nextSeq + 1,
      offset: progress.offset + body.length,
      lastSha256: sha256,
    };
    await this.#save();
    this.#options.onBytes?.(body.length);
    return true;
  }

  /**
   * Sends everything complete that is on disk now. Returns whether the session is fully
   * uploaded (it has ended and nothing is left). Throws only for a permanent rejection;
   * network trouble is retried with backoff until `signal` aborts (then returns false).
   */
  async pump(signal?: AbortSignal): Promise<boolean> {
    const sleep = this.#options.sleep ?? abortableSleep;
    while (!signal?.aborted) {
      if (this.#phase.phase === "stopped") throw new UploadRejected(this.#phase.reason);
      if (this.#phase.phase === "backoff") {
        await sleep(this.#phase.delayMs, signal);
        if (signal?.aborted) return false;
        this.#phase = transition(this.#phase, { kind: "retry" });
      }
      try {
        if (this.#phase.phase === "unsynced") {
          await this.#sync();
          this.#phase = transition(this.#phase, { kind: "synced" });
        }
        // Meta first: it creates the session with its real metadata.
        await this.#putMeta();
        let sent = true;
        while (sent && !signal?.aborted) {
          sent = false;
          for (const stream of ["cast", "events"] as const) {
            if (await this.#sendChunk(stream)) {
              sent = true;
              this.#phase = transition(this.#phase, { kind: "sent" });
            }
          }
        }
        if (signal?.aborted) return false;
        // The end is written last by the recorder: resend meta.json if it changed meanwhile.
        await this.#putMeta();
        const ended = await this.#ended();
        const done = ended && (await this.pendingBytes()) === 0;
        if (done && !this.#state.complete) {
          this.#state.complete = true;
          await this.#save();
        }
        return done;
      } catch (error) {
        if (error instanceof UploadRejected) {
          this.#phase = transition(this.#phase, { kind: "rejected", reason: error.message });
          throw error;
        }
        const status = (error as { status?: number }).status;
        if (status === 409) this.#phase = transition(this.#phase, { kind: "conflict" });
        else if (
          status !== undefined && status >= 400 && status < 500 && status !== 429 && status !== 408
        ) {
          this.#phase = transition(this.#phase, {
            kind: "rejected",
            reason: (error as Error).message,
          });
          throw new UploadRejected((error as Error).message);
        } else {
          this.#phase = transition(this.#phase, {
            kind: "failed",
            retryAfterMs: (error as { retryAfterMs?: number }).retryAfterMs,
          });
        }
      }
    }
    return false;
  }

  async #ended(): Promise<boolean> {
    try {
      const meta = JSON.parse(await Deno.readTextFile(`${this.dir}/meta.json`));
      if (meta.end !== null && meta.end !== undefined) return true;
      // No end and no recorder left: an interrupted session, as complete as it will get.
      if (typeof meta.recorderPid !== "number" || meta.recorderPid === Deno.pid) return false;
      return !(await Deno.stat(`/proc/${meta.recorderPid}`).then(() => true, () => false));
    } catch {
      return false;
    }
  }
}
