/**
 * Waiting for a decision: long polls (the server answers the moment a reviewer decides, so
 * the command starts within a round trip of the click), riding out network errors and server
 * restarts with backoff, until the request is approved, declined, expired or cancelled, or
 * `signal` aborts (the caller cancels the request).
 */
import { abortableSleep } from "../core/sleep.ts";
import { ApiError, type Approval, type ApprovalApi } from "./api.ts";

const POLL_SECONDS = 25;

export interface WaitOptions {
  signal: AbortSignal;
  /** Told of every new version of the request (a reviewer approved, but more are needed). */
  onUpdate?: (approval: Approval) => void;
  /** Told when the server cannot be reached (it keeps trying). */
  onTrouble?: (message: string) => void;
}

export async function waitForDecision(
  api: ApprovalApi,
  first: Approval,
  options: WaitOptions,
): Promise<Approval | "aborted"> {
  let current = first;
  let backoff = 500;
  while (current.status === "requested") {
    if (options.signal.aborted) return "aborted";
    try {
      const next = await api.get(current.id, {
        waitSeconds: POLL_SECONDS,
        seen: current.version,
        signal: options.signal,
      });
      backoff = 500;
      if (next.version !== current.version) options.onUpdate?.(next);
      current = next;
    } catch (error) {
      if (options.signal.aborted) return "aborted";
      if (error instanceof ApiError) throw error;
      options.onTrouble?.((error as Error).message);
      await abortableSleep(backoff, options.signal);
      backoff = Math.min(backoff * 2, 10_000);
    }
  }
  return current;
}

/** "1:05" from milliseconds. */
export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

/** The status line shown while waiting. */
export function statusLine(approval: Approval, sinceMs: number, nowMs: number): string {
  const who = approval.reviewers.length > 0 ? approval.reviewers.join(", ") : "the approvers";
  const count = approval.requiredApprovals > 1
    ? ` (${approval.approvals}/${approval.requiredApprovals} approvals)`
    : "";
  return `waiting for approval from ${who}${count} · ${elapsed(nowMs - sinceMs)} · ^C cancels`;
}
