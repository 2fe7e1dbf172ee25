import { UserError } from "../core/errors.ts";
import { VERSION } from "../core/version.ts";
import { closest, parseArgs } from "./args.ts";
import { SUBCOMMANDS } from "./commands.ts";
import { say } from "./output.ts";
import { RECORD_OPTIONS, recordCommand, recordHelp } from "./record.ts";

/** A shim in overrides/ runs `ddcoterm __shim NAME ARGS…`: guardrails, then the program. */
async function runShim(argv: string[]): Promise<number> {
  if (argv.length === 0) throw new UserError("__shim needs a program name");
  const { runGuarded } = await import("./guarded.ts");
  return await runGuarded({
    argv,
    env: Deno.env.toObject(),
    settings: { quiet: false, captureInput: false, headless: false },
    viaShim: true,
  });
}

/** Runs ddcoterm with `args` and returns the process exit code. */
export async function run(args: string[]): Promise<number> {
  try {
    const parsed = parseArgs(args, RECORD_OPTIONS, { stopAtPositional: true });
    if (parsed.options.version) {
      console.log(`ddcoterm ${VERSION}`);
      return 0;
    }
    if (parsed.rest === null && parsed.positionals[0] === "__shim") {
      return await runShim(parsed.positionals.slice(1));
    }
    if (parsed.rest === null && parsed.positionals.length > 0) {
      const [name, ...rest] = parsed.positionals;
      const subcommand = SUBCOMMANDS[name];
      if (!subcommand) {
        const guess = closest(name, Object.keys(SUBCOMMANDS));
        const hint = guess ? `did you mean "${guess}"? ` : "";
        throw new UserError(
          `Unknown command "${name}" (${hint}to record a program, put it after --: ddcoterm -- ${name})`,
        );
      }
      const module = await subcommand.load();
      return await module.run(parsed.options.help ? ["--help", ...rest] : rest);
    }
    if (parsed.options.help) {
      console.log(recordHelp());
      return 0;
    }
    return await recordCommand(parsed);
  } catch (error) {
    if (error instanceof UserError) {
      say(error.message);
      return error.exitCode;
    }
    say(`internal error: ${error instanceof Error ? error.message : String(error)}`);
    if (Deno.env.get("DDCOTERM_DEBUG")) console.error(error);
    return 70;
  }
}
