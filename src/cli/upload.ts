import { configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { ddcotermHome } from "../core/home.ts";
import { type Connection, resolveConnection, uploadPending } from "../upload/mod.ts";
import { parseArgs } from "./args.ts";
import { formatBytes } from "./format.ts";
import { printOut, say } from "./output.ts";

const HELP = `Usage: ddcoterm upload [--all] [--json]

Sends to the server what the spool ($DDCOTERM_HOME/sessions) still holds: sessions recorded
while the server was unreachable, or cut short by a crash or a kill. Uploads resume where they
stopped; sending twice never duplicates anything. Shows a progress bar on a terminal.

Options:
      --all    Also sessions still being recorded, and re-check those already uploaded
      --json   One JSON object with the sessions uploaded, incomplete and failed
  -h, --help   Show this help

Examples:
  ddcoterm upload
  ddcoterm upload --all --json`;

/** The configured server, or a UserError saying how to configure one. */
export async function requireConnection(home: string): Promise<Connection> {
  const { config } = await loadConfig(
    configPath({ DDCOTERM_HOME: home, HOME: Deno.env.get("HOME") }),
  );
  const connection = resolveConnection(config.connectionConfig, home);
  if (!connection) {
    throw new UserError('No server configured: run "ddcoterm init --host URL --api-key KEY"', 1);
  }
  return connection;
}

const encoder = new TextEncoder();

function bar(sent: number, total: number, width = 30): string {
  const ratio = total > 0 ? Math.min(1, sent / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(ratio * 100)}%`;
}

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "all", type: "boolean" },
    { name: "json", type: "boolean" },
  ], { context: "ddcoterm upload" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UserError("ddcoterm upload takes no arguments");
  const home = ddcotermHome();
  const connection = await requireConnection(home);
  const tty = Deno.stderr.isTerminal() && !options.json;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  let lastDraw = 0;
  try {
    const result = await uploadPending(home, connection, {
      all: options.all === true,
      signal: stop.signal,
      // A server that stays down: give up on each session after a while; the spool keeps it.
      perSessionTimeoutMs: 20_000,
      onProgress: (p) => {
        if (!tty || (Date.now() - lastDraw < 100 && p.index < p.count)) return;
        lastDraw = Date.now();
        const line = `\r${bar(p.sentBytes, p.totalBytes)} ${formatBytes(p.sentBytes)}/${
          formatBytes(p.totalBytes)
        } session ${Math.min(p.index + 1, p.count)}/${p.count}`;
        Deno.stderr.writeSync(encoder.encode(line + (p.index >= p.count ? "\n" : "")));
      },
    });
    if (options.json) {
      printOut(JSON.stringify(result));
    } else {
      say(
        `${result.uploaded.length} uploaded, ${result.incomplete.length} incomplete, ${result.failed.length} failed`,
      );
      for (const failure of result.failed) say(`${failure.session}: ${failure.error}`);
      if (result.incomplete.length > 0) {
        say("incomplete sessions stay in the spool: run ddcoterm upload again later");
      }
    }
    return result.failed.length > 0 || result.incomplete.length > 0 ? 1 : 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}
