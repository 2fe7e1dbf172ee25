import { VERSION } from "../core/version.ts";

/** meta.json: what a session list or a server needs without reading the cast. */
export interface SessionMeta {
  id: string;
  version: string;
  user: string;
  host: string;
  cwd: string;
  /** The recorded command line, as shown to people (redacted). */
  command: string;
  title?: string;
  /** "pty" for a terminal session, "pipe" when stdin or stdout was not a terminal. */
  mode: "pty" | "pipe";
  term: { cols: number; rows: number; type?: string };
  /** ISO 8601. */
  start: string;
  end: string | null;
  durationSeconds: number | null;
  /** The shell's view: exit code, or 128 + signal. */
  exitCode: number | null;
  signal: number | null;
  bytes: { output: number; input: number };
  redactions: number;
  /** Set when this session ran inside another recorded session. */
  parentSessionId?: string;
  /** The recording process: a session with no end whose recorder is gone was interrupted. */
  recorderPid?: number;
  /** Guardrail actions that applied (set by the guardrails layer). */
  actions?: string[];
  /** The approval request this run was approved by. */
  approvalId?: string;
  /** The incident the recording belongs to (the `incidents` action). */
  incidentId?: number;
}

export function newMeta(
  fields: Omit<
    SessionMeta,
    "version" | "end" | "durationSeconds" | "exitCode" | "signal" | "bytes" | "redactions"
  >,
): SessionMeta {
  return {
    ...fields,
    version: VERSION,
    end: null,
    durationSeconds: null,
    exitCode: null,
    signal: null,
    bytes: { output: 0, input: 0 },
    redactions: 0,
  };
}

/** Writes meta.json atomically: a crash leaves the old or the new file, never half of one. */
export function writeMeta(dir: string, meta: SessionMeta): void {
  const tmp = `${dir}/.meta.json.tmp`;
  Deno.writeTextFileSync(tmp, JSON.stringify(meta, null, 2) + "\n", { mode: 0o600 });
  Deno.renameSync(tmp, `${dir}/meta.json`);
}

export function readMeta(dir: string): SessionMeta {
  return JSON.parse(Deno.readTextFileSync(`${dir}/meta.json`));
}

/** "running", "interrupted" (the recorder died before writing the end), or "ended". */
export function sessionState(meta: SessionMeta): "running" | "interrupted" | "ended" {
  if (meta.end !== null) return "ended";
  if (meta.recorderPid === undefined) return "interrupted";
  try {
    Deno.statSync(`/proc/${meta.recorderPid}`);
    return "running";
  } catch {
    return "interrupted";
  }
}
