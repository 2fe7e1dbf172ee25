import type { ExecEvent, ExitEvent, TraceNotice } from "./types.ts";

/** What a supervisor reports; the Worker batches it into one message per wake-up. */
export type TraceMessage =
  | { type: "exec"; event: ExecEvent }
  | { type: "exit"; event: ExitEvent }
  | { type: "notice"; notice: TraceNotice };

export interface TraceOutput {
  exec(event: ExecEvent): void;
  exit(event: ExitEvent): void;
  notice(notice: TraceNotice): void;
  /** Sends what was reported since the last flush. */
  flush(): void;
  /** How many messages wait for the next flush. */
  readonly pending: number;
}

/** Collects messages and hands them to `send` in batches. */
export function batchingOutput(send: (batch: TraceMessage[]) => void): TraceOutput {
  let pending: TraceMessage[] = [];
  return {
    exec: (event) => pending.push({ type: "exec", event }),
    exit: (event) => pending.push({ type: "exit", event }),
    notice: (notice) => pending.push({ type: "notice", notice }),
    get pending() {
      return pending.length;
    },
    flush() {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      send(batch);
    },
  };
}
