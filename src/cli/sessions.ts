import { ddcotermHome, sessionsDir } from "../core/home.ts";
import { sessionState } from "../record/meta.ts";
import { listSessions } from "../record/store.ts";
import { parseArgs } from "./args.ts";
import { formatBytes, formatDuration, formatTime, table, truncate } from "./format.ts";
import { printOut } from "./output.ts";

const HELP = `Usage: ddcoterm sessions [--json]

Lists recorded sessions, newest first: id, start, duration, command, exit status and size.
A running session shows "running" as its exit status.

Options:
      --json   One JSON array of session metadata, for scripts
  -h, --help   Show this help

Examples:
  ddcoterm sessions
  ddcoterm sessions --json | jq -r '.[0].id'`;

export async function run(args: string[]): Promise<number> {
  const { options } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "json", type: "boolean" },
  ], { context: "ddcoterm sessions" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  const sessions = listSessions(sessionsDir(ddcotermHome()));
  if (options.json) {
    printOut(JSON.stringify(
      sessions.map((s) => ({ ...(s.meta ?? { id: s.id }), castBytes: s.castSize, dir: s.dir })),
      null,
      2,
    ));
    return 0;
  }
  if (sessions.length === 0) {
    printOut("No sessions recorded yet. Record one with: ddcoterm -- <command>, or just ddcoterm");
    return 0;
  }
  const rows = [["ID", "START", "DURATION", "EXIT", "SIZE", "COMMAND"]];
  for (const s of sessions) {
    const m = s.meta;
    rows.push([
      s.id,
      m ? formatTime(m.start) : "-",
      formatDuration(m?.durationSeconds ?? null),
      m === null ? "?" : m.end === null ? sessionState(m) : String(m.exitCode ?? "?"),
      formatBytes(s.castSize),
      truncate(m?.title ? `${m.command} (${m.title})` : m?.command ?? "", 60),
    ]);
  }
  printOut(table(rows));
  return await Promise.resolve(0);
}
