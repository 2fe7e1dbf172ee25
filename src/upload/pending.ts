/**
 * Uploads what the spool still holds: every session folder whose upload is not complete
 * (oldest first), for `ddcoterm upload` and for a catch-up at the start of the next session.
 */
import type { Connection } from "./connection.ts";
import { readUploadState, SessionUploader, UploadRejected } from "./uploader.ts";

export interface PendingProgress {
  session: string;
  /** Sessions done so far and in all. */
  index: number;
  count: number;
  sentBytes: number;
  totalBytes: number;
}

export interface PendingResult {
  uploaded: string[];
  incomplete: string[];
  failed: { session: string; error: string }[];
}

async function isRunningElsewhere(dir: string): Promise<boolean> {
  try {
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`));
    if (meta.end !== null && meta.end !== undefined) return false;
    if (typeof meta.recorderPid !== "number" || meta.recorderPid === Deno.pid) return false;
    return await Deno.stat(`/proc/${meta.recorderPid}`).then(() => true, () => false);
  } catch {
    return false;
  }
}

export async function uploadPending(
  home: string,
  connection: Connection,
  options: {
    /** Also sessions still being recorded, and a re-check of those marked complete. */
    all?: boolean;
    onProgress?: (progress: PendingProgress) => void;
    signal?: AbortSignal;
    /** Give up on a session after this long without success (default: keep trying). */
    perSessionTimeoutMs?: number;
    fetch?: typeof fetch;
  } = {},
): Promise<PendingResult> {
  const sessionsDir = `${home}/sessions`;
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(sessionsDir)].filter((e) => e.isDirectory).map((e) => e.name)
      .sort();
  } catch {
    // No sessions yet.
  }
  const todo: SessionUploader[] = [];
  for (const name of names) {
    const dir = `${sessionsDir}/${name}`;
    if (!options.all && readUploadState(dir)?.complete) continue;
    if (!options.all && await isRunningElsewhere(dir)) continue;
    todo.push(new SessionUploader(dir, connection, { fetch: options.fetch }));
  }
  let totalBytes = 0;
  for (const uploader of todo) totalBytes += await uploader.pendingBytes();
  let sentBytes = 0;
  const result: PendingResult = { uploaded: [], incomplete: [], failed: [] };
  for (const [index, uploader] of todo.entries()) {
    if (options.signal?.aborted) {
      result.incomplete.push(uploader.id);
      continue;
    }
    const report = () =>
      options.onProgress?.({
        session: uploader.id,
        index,
        count: todo.length,
        sentBytes,
        totalBytes,
      });
    const counted = new SessionUploader(uploader.dir, connection, {
      fetch: options.fetch,
      onBytes: (bytes) => {
        sentBytes += bytes;
        report();
      },
    });
    report();
    const signals = [
      options.signal,
      options.perSessionTimeoutMs ? AbortSignal.timeout(options.perSessionTimeoutMs) : undefined,
    ]
      .filter((s): s is AbortSignal => s !== undefined);
    try {
      const done = await counted.pump(signals.length ? AbortSignal.any(signals) : undefined);
      (done ? result.uploaded : result.incomplete).push(uploader.id);
    } catch (error) {
      if (!(error instanceof UploadRejected)) throw error;
      result.failed.push({ session: uploader.id, error: error.message });
    }
  }
  options.onProgress?.({
    session: "",
    index: todo.length,
    count: todo.length,
    sentBytes,
    totalBytes,
  });
  return result;
}
