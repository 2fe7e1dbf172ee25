/**
 * Upload while recording. The recorder calls `poke()` after each flush (cheap: it only marks
 * that there is more) and `finish(graceMs)` at the end. Sends are batched to at most one round
 * every `intervalMs`, so live viewers follow within about a second; meta.json is resent every
 * 30 s as a heartbeat. Errors never reach the recorder: what is not sent stays in the spool.
 */
import type { Connection } from "./connection.ts";
import { abortableSleep } from "../core/sleep.ts";
import { SessionUploader, type UploaderOptions } from "./uploader.ts";

export interface LiveUpload {
  poke(): void;
  finish(graceMs: number): Promise<{ complete: boolean; error?: string }>;
}

export function startLiveUpload(
  sessionDir: string,
  connection: Connection,
  options: UploaderOptions & { intervalMs?: number } = {},
): LiveUpload {
  const uploader = new SessionUploader(sessionDir, connection, options);
  const interval = options.intervalMs ?? 300;
  const stop = new AbortController();
  let dirty = true;
  let wake: (() => void) | null = null;
  let error: string | undefined;
  let lastBeat = Date.now();

  const loop = (async () => {
    while (!stop.signal.aborted) {
      if (!dirty && Date.now() - lastBeat < 30_000) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 30_000);
        });
        wake = null;
        continue;
      }
      dirty = false;
      lastBeat = Date.now();
      try {
        await uploader.pump(stop.signal);
      } catch (e) {
        error = (e as Error).message;
        return; // Rejected for good: the rest waits for `ddcoterm upload`.
      }
      await abortableSleep(interval, stop.signal);
    }
  })();

  return {
    poke() {
      dirty = true;
      wake?.();
    },
    async finish(graceMs: number) {
      // Stop the live loop, then one last pump bounded by the grace period.
      stop.abort();
      wake?.();
      await loop;
      if (error) return { complete: false, error };
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), graceMs);
      try {
        const complete = await uploader.pump(deadline.signal);
        return { complete };
      } catch (e) {
        return { complete: false, error: (e as Error).message };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
