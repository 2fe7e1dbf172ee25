import { applyIdleTimeLimit } from "../cast/mod.ts";
import { UserError } from "../core/errors.ts";
import { play, terminalKeys } from "../play/mod.ts";
import { restoreTerminal } from "../record/mod.ts";
import { enterRawMode, enterRawOutput, writeAllSync } from "../record/terminal.ts";
import { parseArgs } from "./args.ts";
import { printOut } from "./output.ts";
import { openRecording } from "./recording_input.ts";

const HELP = `Usage: ddcoterm play [OPTIONS] <ID|FILE>

Replays a recording in this terminal: a session id (a unique prefix is enough) or an
asciicast v2/v3 file.

Keys: space pauses and resumes, "." shows the next frame while paused, ctrl-c or q quits.

Options:
  -s, --speed N             Playback speed (default 1; 2 is twice as fast)
  -i, --idle-time-limit S   Shorten pauses to at most S seconds (default: the recording's
                            own limit, if any)
  -h, --help                Show this help

Examples:
  ddcoterm play 0193a4
  ddcoterm play -s 4 -i 1 ~/deploy.cast`;

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "speed", short: "s", type: "number" },
    { name: "idle-time-limit", short: "i", type: "number" },
  ], { context: "ddcoterm play" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UserError("ddcoterm play needs one session id or file (see ddcoterm play --help)");
  }
  const speed = (options.speed as number | undefined) ?? 1;
  if (!(speed > 0)) {
    throw new UserError(`Option "--speed" expects a positive number, got "${speed}"`);
  }
  const idleOption = options["idle-time-limit"] as number | undefined;
  if (idleOption !== undefined && !(idleOption > 0)) {
    throw new UserError(
      `Option "--idle-time-limit" expects a positive number, got "${idleOption}"`,
    );
  }

  const { reader } = await openRecording(positionals[0]);
  const idle = idleOption ?? reader.header.idleTimeLimit;
  const events = idle ? applyIdleTimeLimit(reader, idle) : reader;
  const interactive = Deno.stdin.isTerminal();
  if (interactive) {
    enterRawMode();
    // The recording holds what the terminal received, newlines already translated.
    await enterRawOutput();
  }
  try {
    const outcome = await play(events, {
      speed,
      write: (bytes) => writeAllSync(Deno.stdout, bytes),
      keys: interactive ? terminalKeys() : null,
    });
    if (outcome === "quit") {
      writeAllSync(Deno.stdout, new TextEncoder().encode("\x1b[0m\x1b[?25h\r\n"));
    }
  } finally {
    restoreTerminal();
    await reader.close();
  }
  return 0;
}
