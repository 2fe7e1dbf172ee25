import { configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { parseArgs } from "./args.ts";
import { printOut } from "./output.ts";
import { bundledWasmPath } from "./self.ts";

const HELP = `Usage: ddcoterm config check [FILE]

Validates config.yaml (default $DDCOTERM_HOME/config.yaml): the schema, the actions, and every
Lua lint and rule (compiled, not run). Unknown keys are warnings; everything else that is
wrong is an error naming the line and column. A missing file means the defaults.

Options:
  -h, --help   Show this help

Examples:
  ddcoterm config check
  ddcoterm config check ./team-config.yaml`;

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
  ], { context: "ddcoterm config" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals[0] !== "check" || positionals.length > 2) {
    throw new UserError("Usage: ddcoterm config check [FILE] (see ddcoterm config --help)");
  }
  const path = positionals[1] ?? configPath(Deno.env.toObject());
  const { luaSyntaxChecker } = await import("../rules/mod.ts");
  const { warnings } = await loadConfig(path, {
    checkLua: await luaSyntaxChecker(bundledWasmPath()),
  });
  for (const warning of warnings) printOut(`warning: ${warning}`);
  printOut(`${path}: OK${warnings.length > 0 ? ` (${warnings.length} warnings)` : ""}`);
  return 0;
}
