import { EXIT_CANNOT_EXECUTE, EXIT_NOT_FOUND, UserError } from "../core/errors.ts";
import { ddcotermHome, displayPath, sessionsDir } from "../core/home.ts";
import { raiseSignalOnSelf } from "../pty/mod.ts";
import { recordSession } from "../record/mod.ts";
import { findExecutable, isExecutableFile } from "../shim/which.ts";
import type { OptionSpec, ParsedArgs } from "./args.ts";
import { say } from "./output.ts";
import { mark } from "../core/startup_marks.ts";
import type { Config } from "../config/mod.ts";
import { type CliActions, SAVE_LEVELS, type SaveLevel } from "../rules/types.ts";
import { loadRedaction } from "./redaction.ts";
import { startUpload } from "./session_upload.ts";
import { selfCommand } from "./self.ts";
import { TRACE_MODES, type TraceMode } from "../trace/types.ts";
import { BUILTIN_DEFAULT_ACTIONS, configPath, loadConfig } from "../config/mod.ts";

export const RECORD_OPTIONS: OptionSpec[] = [
  { name: "help", short: "h", type: "boolean" },
  { name: "version", short: "V", type: "boolean" },
  { name: "output", short: "o", type: "string" },
  { name: "quiet", short: "q", type: "boolean" },
  { name: "title", short: "t", type: "string" },
  { name: "capture-input", type: "boolean" },
  { name: "idle-time-limit", short: "i", type: "number" },
  { name: "headless", type: "boolean" },
  { name: "save-level", type: "string", choices: SAVE_LEVELS },
  { name: "process-info", type: "string", choices: TRACE_MODES },
  { name: "approval", type: "boolean" },
];

export function recordHelp(): string {
  return `ddcoterm — record terminal sessions and guard dangerous commands

Usage: ddcoterm [OPTIONS] [-- <COMMAND>...] [COMMAND]

With no command, records an interactive $SHELL (or /bin/sh). With -- COMMAND, records that
one command. Recordings are asciicast v3 files under $DDCOTERM_HOME/sessions/<id>/
(default ~/.ddcoterm), written as they happen and redacted before they reach disk.

Options:
  -o, --output FILE           Also write the recording to FILE
  -q, --quiet                 No start and end banners
  -t, --title TITLE           Title stored in the recording
      --capture-input         Record keystrokes too ("i" events; off by default;
                              input typed while echo is off is never stored)
  -i, --idle-time-limit SECS  Longest pause a player shows (stored in the header)
      --headless              Do not use a pty even on a terminal (pipe mode)
      --save-level LEVEL      none, record, logs or process_info (each includes the
                              ones before): overrides config.yaml's rules for COMMAND
      --approval              Require approval before COMMAND runs
      --process-info MODE     How to record the programs a session starts: seccomp
                              (default; every exec; sudo cannot elevate), proc (polls
                              /proc; sudo works; very short processes can be missed),
                              ptrace (falls back to proc), off
  -h, --help                  Show this help (also: ddcoterm COMMAND --help)
  -V, --version               Show the version

Commands:
  sessions   List recorded sessions, newest first
  events     A session's process and audit events
  play       Replay a session in the terminal
  export     Convert a session to asciicast v3, v2 or plain text
  redact     Redact secrets in terminal output
  shim       Guard a command on every run (shim create kubectl)
  rules      Show what the guardrails would do with a command (rules test -- …)
  config     Check config.yaml (config check)
  approve    Ask for approval and wait (a manual gate), or run a command once approved
  approvals  Review approval requests and break-glass runs (approvals approve ID)

Environment:
  DDCOTERM_HOME        Where everything lives (default ~/.ddcoterm)
  DDCOTERM_SESSION_ID  Set inside a recorded session to its id

Examples:
  ddcoterm                                  # record a shell session until you exit it
  ddcoterm -- kubectl get pods              # record one command
  ddcoterm -q -o deploy.cast -- ./deploy.sh # no banners, and a copy in deploy.cast
  ddcoterm sessions                         # what has been recorded
  ddcoterm play 0193                        # replay by id prefix`;
}

/** How a recording is made, from the command line. */
export interface RecordSettings {
  quiet: boolean;
  /** --process-info, when given. */
  processInfo?: TraceMode;
  title?: string;
  idleTimeLimit?: number;
  captureInput: boolean;
  output?: string;
  headless: boolean;
}

export function recordSettings(options: ParsedArgs["options"]): RecordSettings {
  const idle = options["idle-time-limit"] as number | undefined;
  if (idle !== undefined && idle <= 0) {
    throw new UserError(`Option "--idle-time-limit" expects a positive number, got "${idle}"`);
  }
  return {
    quiet: options.quiet === true,
    title: options.title as string | undefined,
    idleTimeLimit: idle,
    captureInput: options["capture-input"] === true,
    output: options.output as string | undefined,
    headless: options.headless === true,
    processInfo: options["process-info"] as TraceMode | undefined,
  };
}

/** The shell with no command; a command after `--` goes through the guardrails first. */
export async function recordCommand(parsed: ParsedArgs): Promise<number> {
  mark("cli parsed");
  const settings = recordSettings(parsed.options);
  const env = Deno.env.toObject();
  const cli = cliActions(parsed.options);
  if (parsed.rest !== null && parsed.rest.length > 0) {
    const argv = dropLegacyCommandWord(parsed.rest, env.PATH);
    const { runGuarded } = await import("./guarded.ts");
    return await runGuarded({ argv, env, cli, settings, viaShim: false });
  }
  const shell = env.SHELL && isExecutableFile(env.SHELL) ? env.SHELL : "/bin/sh";
  const { config } = await loadConfig(configPath(env));
  const actions = [...(config.processConfig.defaultActions ?? BUILTIN_DEFAULT_ACTIONS)];
  return await recordProgram(settings, {
    file: shell,
    argv: [shell],
    interactive: true,
    env,
    config,
    actions,
    processInfo: processInfoMode(settings, config.enablePtrace, actions),
  });
}

export function cliActions(options: ParsedArgs["options"]): CliActions | undefined {
  const saveLevel = options["save-level"] as SaveLevel | undefined;
  const approval = options.approval === true;
  if (saveLevel === undefined && !approval) return undefined;
  return { saveLevel, approval: approval || undefined };
}

/** The tracing mode for a session: off unless process_info applies; flag > config > seccomp. */
export function processInfoMode(
  settings: RecordSettings,
  enablePtrace: boolean,
  actions: readonly string[],
): TraceMode {
  if (!actions.includes("process_info")) return "off";
  return settings.processInfo ?? (enablePtrace ? "ptrace" : "seccomp");
}

export interface ProgramToRecord {
  file: string;
  argv: string[];
  interactive: boolean;
  env: Record<string, string>;
  config: Config;
  actions?: string[];
  initialEvents?: { type: string; fields: Record<string, unknown> }[];
  processInfo?: TraceMode;
  links?: { approvalId?: string; incidentId?: number };
}

/** Records one program with banners, and exits as it did. */
export async function recordProgram(
  settings: RecordSettings,
  program: ProgramToRecord,
): Promise<number> {
  const home = ddcotermHome();
  mark("record program");
  const redaction = await loadRedaction(program.config.redaction);
  mark("redaction ready");
  const upload = await startUpload(home, program.config);
  const result = await recordSession({
    sessionsDir: sessionsDir(home),
    file: program.file,
    argv: program.argv,
    interactive: program.interactive,
    env: program.env,
    title: settings.title,
    idleTimeLimit: settings.idleTimeLimit,
    captureInput: settings.captureInput,
    outputFile: settings.output,
    forcePipe: settings.headless,
    createFilter: redaction.createFilter,
    redactText: redaction.redactText,
    actions: program.actions,
    initialEvents: program.initialEvents,
    links: program.links,
    processInfo: program.processInfo,
    self: program.processInfo && program.processInfo !== "off" ? selfCommand() : undefined,
    onNotice: (message) => say(message),
    onStart: (info) => {
      upload?.begin(info);
      const where = upload ? upload.url(info.id) : `${displayPath(info.dir)}/`;
      if (!settings.quiet) say(`recording session ${info.id}: ${where}`);
    },
    onFlush: () => upload?.poke(),
    onSinkError: (name, error) => {
      const reason = error instanceof Error ? error.message : String(error);
      say(`warning: cannot write "${name}": ${reason}; the session goes on without it`);
    },
  });

  const code = result.meta.exitCode ?? 1;
  const uploaded = upload ? await upload.end() : true;
  if (!settings.quiet) {
    const view = upload ? upload.url(result.id) : `ddcoterm play ${result.id}`;
    say(`session ${result.id} ended (exit ${code}); view: ${view}`);
    if (!uploaded) say("the rest uploads with the next session or `ddcoterm upload`");
  }
  if (result.status.signal !== undefined) raiseSignalOnSelf(result.status.signal);
  return code;
}

/**
 * CoTerm's first documented form was `ddcoterm -- COMMAND kubectl`: the literal word COMMAND
 * is dropped unless a program of that name exists.
 */
export function dropLegacyCommandWord(argv: string[], pathEnv: string | undefined): string[] {
  if (argv.length > 1 && argv[0] === "COMMAND" && !findExecutable("COMMAND", pathEnv)) {
    return argv.slice(1);
  }
  return argv;
}

export function resolveProgram(name: string, pathEnv: string | undefined): string {
  const found = findExecutable(name, pathEnv);
  if (found) return found;
  if (name.includes("/")) {
    try {
      const info = Deno.statSync(name);
      if (info.isDirectory) throw new UserError(`${name}: is a directory`, EXIT_CANNOT_EXECUTE);
      throw new UserError(`${name}: permission denied`, EXIT_CANNOT_EXECUTE);
    } catch (error) {
      if (error instanceof UserError) throw error;
    }
  }
  throw new UserError(`${name}: command not found`, EXIT_NOT_FOUND);
}
