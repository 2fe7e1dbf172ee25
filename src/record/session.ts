import { uuidv7 } from "../core/ids.ts";
import { mark } from "../core/startup_marks.ts";
import { currentUser } from "./user.ts";
import { shellJoin } from "../core/shell_quote.ts";
import type { ExitStatus } from "../pty/mod.ts";
import type { TraceMode, TraceSession } from "../trace/mod.ts";
import { shellExitCode } from "../pty/mod.ts";
import { CastFileSink } from "./cast_file.ts";
import { EventsFile } from "./events_file.ts";
import { LogsFileSink } from "./logs_file.ts";
import type { StreamFilter } from "./filter.ts";
import { newMeta, type SessionMeta, writeMeta } from "./meta.ts";
import { runPipeSession } from "./pipe_session.ts";
import { runPtySession } from "./pty_session.ts";
import { Recorder } from "./recorder.ts";
import type { CastSink } from "./sink.ts";
import { stdioIsTerminal, terminalSize } from "./terminal.ts";

export interface SessionRequest {
  /** Where sessions live: $DDCOTERM_HOME/sessions. */
  sessionsDir: string;
  /** Resolved program path and its argv (argv[0] as the user typed it). */
  file: string;
  argv: string[];
  /** True for the interactive shell session (`ddcoterm` with no command). */
  interactive: boolean;
  env: Record<string, string>;
  title?: string;
  idleTimeLimit?: number;
  captureInput: boolean;
  /** Extra cast destination (-o FILE). */
  outputFile?: string;
  /** Redaction for metadata (command line, title); identity when absent. */
  redactText?: (text: string) => string;
  createFilter?: () => StreamFilter;
  /** Forces pipe mode even on a terminal (tests, `--headless`). */
  forcePipe?: boolean;
  /** process_info: how to observe the programs the session starts ("off" or absent: not). */
  processInfo?: TraceMode;
  /** How to run this ddcoterm again (the trace drainer is a mode of it). */
  self?: string[];
  /** Told once per kind of tracing notice (fallbacks, setuid programs blocked). */
  onNotice?: (message: string) => void;
  /** Guardrail actions that applied (stored in meta.json). */
  actions?: string[];
  /** The approval request and incident this session belongs to (stored in meta.json). */
  links?: { approvalId?: string; incidentId?: number };
  /** Audit events (already redacted) to write first: guardrail decisions, break glass. */
  initialEvents?: { type: string; fields: Record<string, unknown> }[];
  /** Told once the session folder exists and before the child starts. */
  onStart?: (info: SessionInfo) => void;
  /** Told after the session's files grew (for a live upload). */
  onFlush?: () => void;
  /** Told once when a sink fails; the session goes on without it. */
  onSinkError?: (name: string, error: unknown) => void;
}

export interface SessionInfo {
  id: string;
  dir: string;
  mode: "pty" | "pipe";
}

export interface SessionResult extends SessionInfo {
  status: ExitStatus;
  meta: SessionMeta;
}

/** Records one session (a shell or a command) and returns how the child ended. */
export async function recordSession(request: SessionRequest): Promise<SessionResult> {
  const redact = request.redactText ?? ((text: string) => text);
  const id = uuidv7();
  const dir = `${request.sessionsDir}/${id}`;
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const mode = !request.forcePipe && stdioIsTerminal() ? "pty" : "pipe";
  const size = mode === "pty" ? terminalSize() : { cols: 80, rows: 24 };
  const termType = request.env.TERM;
  const command = redact(shellJoin(request.argv));
  const title = request.title === undefined ? undefined : redact(request.title);

  const meta = newMeta({
    id,
    user: currentUser(request.env),
    host: Deno.hostname(),
    cwd: redact(Deno.cwd()),
    command,
    title,
    mode,
    term: { cols: size.cols, rows: size.rows, type: termType },
    start: new Date().toISOString(),
    parentSessionId: request.env.DDCOTERM_SESSION_ID,
    recorderPid: Deno.pid,
    actions: request.actions,
    ...(request.links?.approvalId ? { approvalId: request.links.approvalId } : {}),
    ...(request.links?.incidentId !== undefined ? { incidentId: request.links.incidentId } : {}),
  });
  writeMeta(dir, meta);

  const sinks: CastSink[] = [new CastFileSink(`${dir}/session.cast`)];
  if (request.actions?.includes("logs")) sinks.push(new LogsFileSink(`${dir}/logs.jsonl`));
  if (request.outputFile) {
    try {
      sinks.push(new CastFileSink(request.outputFile));
    } catch (error) {
      request.onSinkError?.(request.outputFile, error);
    }
  }
  const recorder = new Recorder({
    sinks,
    events: new EventsFile(`${dir}/events.jsonl`),
    createFilter: request.createFilter,
    onSinkError: (sink, error) => request.onSinkError?.(sink.name, error),
    onFlush: request.onFlush,
  });
  const env: Record<string, string> = {};
  if (request.env.SHELL) env.SHELL = request.env.SHELL;
  if (termType) env.TERM = termType;
  recorder.start({
    version: 3,
    cols: size.cols,
    rows: size.rows,
    termType,
    timestamp: Math.floor(Date.parse(meta.start) / 1000),
    idleTimeLimit: request.idleTimeLimit,
    command: request.interactive ? undefined : command,
    title,
    env,
  });

  for (const event of request.initialEvents ?? []) recorder.event(event.type, event.fields);
  const childEnv = { ...request.env, DDCOTERM_SESSION_ID: id };
  const info: SessionInfo = { id, dir, mode };
  request.onStart?.(info);

  mark("session files ready");
  const traceMode = request.processInfo ?? "off";
  // Loaded only for process_info: most of a traced session's set-up is in this module.
  const tracing = traceMode === "off"
    ? null
    : (await import("../trace/mod.ts")).prepareTracing(traceMode);
  let trace: TraceSession | undefined;
  const onStarted = (pid: number) => {
    if (!tracing) return;
    trace = tracing.start(pid, {
      onExec: (e) =>
        recorder.event("exec", {
          pid: e.pid,
          ppid: e.ppid,
          uid: e.uid,
          path: redact(e.path),
          argv: redactArgv(e.argv, redact),
          cwd: redact(e.cwd),
          ...(e.truncated ? { truncated: true } : {}),
        }, e.time),
      onExit: (e) =>
        recorder.event("exit", {
          pid: e.pid,
          ...(e.code !== undefined ? { code: e.code } : {}),
          ...(e.signal !== undefined ? { signal: e.signal } : {}),
        }, e.time),
      onNotice: (n) => request.onNotice?.(n.message),
    }, { self: request.self });
  };

  mark("spawning");
  let status: ExitStatus;
  // seccomp: from here every program this process starts is traced, so nothing else may be
  // spawned. Both session kinds spawn on a libc thread, so this thread answers the first exec.
  tracing?.beforeSpawn();
  mark("tracing installed");
  try {
    status = mode === "pty"
      ? await runPtySession({
        file: request.file,
        argv: request.argv,
        env: childEnv,
        recorder,
        captureInput: request.captureInput,
        onStarted,
      })
      : await runPipeSession({
        file: request.file,
        argv: request.argv,
        env: childEnv,
        recorder,
        onStarted,
      });
    if (trace) await trace.stop(status);
  } catch (error) {
    if (trace) await trace.stop().catch(() => {});
    else tracing?.cancel();
    recorder.finish(-1);
    meta.end = new Date().toISOString();
    writeMeta(dir, meta);
    throw error;
  }

  mark("child done");
  const exitCode = shellExitCode(status);
  recorder.finish(exitCode);
  mark("recording closed");
  meta.end = new Date().toISOString();
  meta.durationSeconds = Math.round(recorder.elapsed() * 1000) / 1000;
  meta.exitCode = exitCode;
  meta.signal = status.signal ?? null;
  meta.bytes = { output: recorder.outputBytes, input: recorder.inputBytes };
  meta.redactions = recorder.redactions;
  writeMeta(dir, meta);
  mark("meta written");
  return { ...info, status, meta };
}

/**
 * Redacts argv as one command line, so a secret that spans words (`--password hunter2`) is
 * found; masks keep each word's length, so the words are cut back at the same places.
 */
export function redactArgv(argv: string[], redact: (text: string) => string): string[] {
  const line = argv.join(" ");
  const masked = redact(line);
  if (masked === line) return argv;
  if (masked.length !== line.length) return argv.map(redact);
  const out: string[] = [];
  let offset = 0;
  for (const word of argv) {
    out.push(masked.slice(offset, offset + word.length));
    offset += word.length + 1;
  }
  return out;
}
