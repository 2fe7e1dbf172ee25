/** How processes started in a session are observed. */
export type TraceMode = "seccomp" | "ptrace" | "proc" | "off";

export const TRACE_MODES: readonly TraceMode[] = ["seccomp", "ptrace", "proc", "off"];

/** A program that started running in the session (an exec that happened). */
export interface ExecEvent {
  /** Wall clock, ms since the epoch (fractional), when the exec was seen. */
  time: number;
  pid: number;
  ppid: number;
  /** Real uid. */
  uid: number;
  /** The executable as the exec named it, made absolute (a script, not its interpreter). */
  path: string;
  /** Raw: the caller passes them through the redactor before writing. */
  argv: string[];
  cwd: string;
  /** argv was cut for length; its last element is TRUNCATION_MARKER. */
  truncated?: boolean;
}

/** A traced process ended. `code`/`signal` only where the status could be observed. */
export interface ExitEvent {
  time: number;
  pid: number;
  code?: number;
  signal?: number;
}

export type TraceNoticeKind = "fallback" | "nested" | "setuid_blocked" | "unavailable";

/** One line for the user, said once per session. */
export interface TraceNotice {
  kind: TraceNoticeKind;
  message: string;
}

export interface TraceHandlers {
  onExec(event: ExecEvent): void;
  onExit?(event: ExitEvent): void;
  onNotice(notice: TraceNotice): void;
}

/** Appended as the last argv element when argv was cut. */
export const TRUNCATION_MARKER = "[ddcoterm: argv truncated]";
/** argv beyond this many bytes (all strings together) or elements is cut. */
export const MAX_ARGV_BYTES = 64 * 1024;
export const MAX_ARGV_COUNT = 4096;

/** Wall clock with sub-ms precision, comparable across the main thread and Workers. */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}
