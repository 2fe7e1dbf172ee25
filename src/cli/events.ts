import { UserError } from "../core/errors.ts";
import { ddcotermHome, sessionsDir } from "../core/home.ts";
import { findSession } from "../record/store.ts";
import { parseArgs } from "./args.ts";
import { printOut } from "./output.ts";

const HELP = `Usage: ddcoterm events <ID> [--json] [--type TYPE]

Lists a session's events (events.jsonl): programs started (exec) and ended (exit), guardrail
decisions, break glass, redactions. Each has its time offset in the session, so a player can
seek to it. A unique prefix of the id is enough.

Options:
      --json        One JSON object per line, as stored
      --type TYPE   Only events of this type (exec, exit, guardrail, break_glass, redaction)
  -h, --help        Show this help

Examples:
  ddcoterm events 01a1fd
  ddcoterm events 01a1fd --type exec --json | jq -r '.argv | join(" ")'`;

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "json", type: "boolean" },
    { name: "type", type: "string" },
  ], { context: "ddcoterm events" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UserError("ddcoterm events needs one session id (see ddcoterm events --help)");
  }
  const session = findSession(sessionsDir(ddcotermHome()), positionals[0]);
  let text = "";
  try {
    text = await Deno.readTextFile(`${session.dir}/events.jsonl`);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const type = options.type as string | undefined;
  const events = text.split("\n").filter((line) => line.trim() !== "").flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return []; // a line cut by a crash
    }
  }).filter((e) => type === undefined || e.type === type);
  if (options.json) {
    if (events.length > 0) printOut(events.map((e) => JSON.stringify(e)).join("\n"));
    return 0;
  }
  if (events.length === 0) {
    printOut("No events.");
    return 0;
  }
  printOut(events.map(describe).join("\n"));
  return 0;
}

function describe(e: Record<string, unknown>): string {
  const t = `${Number(e.t ?? 0).toFixed(3).padStart(9)}s`;
  switch (e.type) {
    case "exec":
      return `${t}  exec   pid ${e.pid} (parent ${e.ppid})  ${
        (e.argv as string[]).join(" ")
      }  [${e.cwd}]`;
    case "exit":
      return `${t}  exit   pid ${e.pid}  ${
        e.signal !== undefined ? `signal ${e.signal}` : `code ${e.code}`
      }`;
    case "guardrail":
      return `${t}  guard  ${e.command}  → ${JSON.stringify(e.actions)} (${e.source}${
        e.rule ? ` rule ${e.rule}` : ""
      })`;
    case "break_glass":
      return `${t}  BREAK GLASS  ${e.user}@${e.host}  ${e.command}  reason: ${
        e.reason ?? "(none)"
      }`;
    case "redaction":
      return `${t}  redact ${e.rule} (${e.length} bytes of ${e.stream})`;
    default:
      return `${t}  ${e.type}  ${JSON.stringify(e)}`;
  }
}
