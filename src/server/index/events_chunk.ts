/**
 * One chunk of events.jsonl → rows for the events table. Pure. Each line is a JSON object with
 * `t` (seconds into the session) and `type`; everything else is kept as sent and the fields
 * people filter on are lifted out: user, host, executable, wall time.
 */
import { InvalidInput } from "../http/errors.ts";
import { splitCompleteLines } from "./cast_chunk.ts";

export interface EventRow {
  lineNo: number;
  t: number;
  timeMs: number;
  type: string;
  source: string;
  user: string;
  host: string;
  executable: string | null;
  data: string;
}

/** Datadog's source names: process execs are `coterm_process_info`, the rest audit events. */
export function eventSource(type: string): string {
  if (type === "exec" || type === "exit") return "coterm_process_info";
  if (type === "redaction") return "coterm_redaction";
  return "coterm_audit";
}

export function decodeEventsChunk(
  text: string,
  firstLineNo: number,
  session: { user: string; host: string; startMs: number },
): EventRow[] {
  const lines = splitCompleteLines(text, "events");
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InvalidInput(`Invalid events chunk: line ${i + 1}: not valid JSON`);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new InvalidInput(`Invalid events chunk: line ${i + 1}: expected a JSON object`);
    }
    const event = value as Record<string, unknown>;
    if (typeof event.t !== "number" || !Number.isFinite(event.t) || event.t < 0) {
      throw new InvalidInput(`Invalid events chunk: line ${i + 1}: "t" must be a number ≥ 0`);
    }
    if (typeof event.type !== "string" || event.type === "" || event.type.length > 64) {
      throw new InvalidInput(
        `Invalid events chunk: line ${i + 1}: "type" must be a string of 1 to 64 characters`,
      );
    }
    const wall = typeof event.time === "string" ? Date.parse(event.time) : NaN;
    return {
      lineNo: firstLineNo + i,
      t: event.t,
      timeMs: Number.isFinite(wall) ? wall : session.startMs + event.t * 1000,
      type: event.type,
      source: eventSource(event.type),
      user: typeof event.user === "string" ? event.user : session.user,
      host: typeof event.host === "string" ? event.host : session.host,
      executable: executableOf(event),
      data: line,
    };
  });
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function executableOf(event: Record<string, unknown>): string | null {
  if (typeof event.executable === "string") return basename(event.executable);
  if (typeof event.path === "string") return basename(event.path);
  if (Array.isArray(event.argv) && typeof event.argv[0] === "string") {
    return basename(event.argv[0]);
  }
  if (typeof event.command === "string") return basename(event.command.split(" ")[0]);
  return null;
}
