import {
  type CastEvent,
  encodeV2Header,
  encodeV3Header,
  transcribeAsync,
  V2EventEncoder,
  V3EventEncoder,
} from "../cast/mod.ts";
import { UserError } from "../core/errors.ts";
import { parseArgs } from "./args.ts";
import { printOut } from "./output.ts";
import { openRecording } from "./recording_input.ts";

const FORMATS = ["asciicast-v3", "asciicast-v2", "txt"] as const;

const HELP = `Usage: ddcoterm export <ID|FILE> --format FORMAT [-o FILE]

Converts a recording (a session id prefix or an asciicast v2/v3 file). Streams: recordings of
any length convert in constant memory.

Formats:
  asciicast-v3   The native format
  asciicast-v2   For players and tools that predate v3 (the exit status is dropped)
  txt            The text a person saw: escape sequences interpreted, full-screen programs
                 (alternate screen) left out, lines that scrolled away kept

Options:
  -f, --format FORMAT   One of ${FORMATS.join(", ")} (default asciicast-v3)
  -o, --output FILE     Write to FILE instead of standard output
  -h, --help            Show this help

Examples:
  ddcoterm export 0193a4 --format txt | grep -n error
  ddcoterm export 0193a4 --format asciicast-v2 -o session-v2.cast`;

const encoder = new TextEncoder();

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "format", short: "f", type: "string", choices: FORMATS },
    { name: "output", short: "o", type: "string" },
  ], { context: "ddcoterm export" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UserError(
      "ddcoterm export needs one session id or file (see ddcoterm export --help)",
    );
  }
  const format = (options.format as (typeof FORMATS)[number] | undefined) ?? "asciicast-v3";
  const { reader } = await openRecording(positionals[0]);
  const outputPath = options.output as string | undefined;
  let out: Deno.FsFile | null = null;
  if (outputPath) {
    try {
      out = await Deno.open(outputPath, { write: true, create: true, truncate: true });
    } catch (error) {
      throw new UserError(`Cannot write "${outputPath}": ${(error as Error).message}`, 1);
    }
  }
  const writer = (out?.writable ?? Deno.stdout.writable).getWriter();
  const write = (text: string) => text.length > 0 ? writer.write(encoder.encode(text)) : undefined;
  try {
    if (format === "txt") {
      // Trailing empty lines of the final screen are held back until a non-empty one comes.
      let blank = 0;
      for await (const line of transcribeAsync(reader, reader.header)) {
        if (line.text === "") {
          blank++;
          continue;
        }
        await write("\n".repeat(blank) + line.text + "\n");
        blank = 0;
      }
    } else {
      const v2 = format === "asciicast-v2";
      await write(v2 ? encodeV2Header(reader.header) : encodeV3Header(reader.header));
      const events = v2 ? new V2EventEncoder() : new V3EventEncoder();
      let batch = "";
      for await (const event of reader as AsyncIterable<CastEvent>) {
        batch += events.encode(event.time, event.code, event.data);
        if (batch.length > 64 * 1024) {
          await write(batch);
          batch = "";
        }
      }
      await write(batch);
    }
  } finally {
    await writer.close().catch(() => {});
    await reader.close();
  }
  return 0;
}
