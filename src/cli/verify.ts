import { UserError } from "../core/errors.ts";
import { ddcotermHome, sessionsDir } from "../core/home.ts";
import { isSessionId } from "../core/ids.ts";
import { type Connection, verifySession } from "../upload/mod.ts";
import { parseArgs } from "./args.ts";
import { printOut, say } from "./output.ts";
import { requireConnection } from "./upload.ts";

const HELP = `Usage: ddcoterm verify <ID|DIR|FILE> [--local] [--json]

Checks a session's hash chain: every uploaded chunk's sha256 is recomputed from the files in
the session folder and each chunk must name the one before it, first in the local log of sent
chunks, then in the server's list of stored chunks. A changed, missing or reordered byte on
either side is reported. Exits 0 when all is intact, 1 otherwise.

Arguments:
  ID     A session id or a unique prefix of one
  DIR    A session folder; FILE: a file inside one (e.g. its session.cast)

Options:
      --local   Check only the local files against the local log
      --json    The full report as JSON
  -h, --help    Show this help

Examples:
  ddcoterm verify 0193a4
  ddcoterm verify ~/.ddcoterm/sessions/0193a4c2-…/session.cast --local`;

function sessionFolder(target: string, home: string): string {
  try {
    const stat = Deno.statSync(target);
    const dir = stat.isDirectory ? target : target.slice(0, Math.max(0, target.lastIndexOf("/")));
    const id = Deno.realPathSync(dir || ".").split("/").pop()!;
    if (!isSessionId(id)) {
      throw new UserError(`"${target}" is not in a session folder (named by a session id)`);
    }
    return Deno.realPathSync(dir || ".");
  } catch (error) {
    if (error instanceof UserError) throw error;
  }
  const root = sessionsDir(home);
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(root)].map((e) => e.name).filter((n) => n.startsWith(target));
  } catch {
    // No sessions.
  }
  if (names.length === 0) throw new UserError(`No session or file "${target}"`, 1);
  if (names.length > 1) {
    throw new UserError(`"${target}" matches ${names.length} sessions: give more of the id`);
  }
  return `${root}/${names[0]}`;
}

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "local", type: "boolean" },
    { name: "json", type: "boolean" },
  ], { context: "ddcoterm verify" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UserError("ddcoterm verify needs one session id, folder or file");
  }
  const home = ddcotermHome();
  const dir = sessionFolder(positionals[0], home);
  let connection: Connection | undefined;
  if (!options.local) connection = await requireConnection(home);
  let report;
  try {
    report = await verifySession(dir, connection);
  } catch (error) {
    throw new UserError(`Cannot verify against the server: ${(error as Error).message}`, 1);
  }
  if (options.json) {
    printOut(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  }
  for (const stream of ["cast", "events"] as const) {
    const local = report.local[stream];
    const server = report.server?.[stream];
    let line = `${stream}: ${local.chunks} chunks in the local log`;
    if (server) {
      line += `, ${server.chunks} on the server (${server.bytes} of ${local.fileBytes} bytes${
        server.complete ? ", complete" : ""
      })`;
    }
    printOut(line);
    for (const problem of [...local.problems, ...(server?.problems ?? [])]) {
      printOut(`  ${problem}`);
    }
  }
  say(report.ok ? `session ${report.id}: hash chain intact` : `session ${report.id}: BROKEN`);
  return report.ok ? 0 : 1;
}
