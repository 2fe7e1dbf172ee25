import { cacheDir, ddcotermHome } from "../core/home.ts";
import { configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { currentUser } from "../record/user.ts";
import { SAVE_LEVELS } from "../rules/types.ts";
import { parseArgs } from "./args.ts";
import { printOut } from "./output.ts";
import { cliActions } from "./record.ts";
import { bundledWasmPath } from "./self.ts";

const HELP = `Usage: ddcoterm rules test [--json] [--save-level LEVEL] [--approval] -- COMMAND...

Runs nothing. Shows what the guardrails in config.yaml would do with COMMAND: the lint
warnings that would be shown, the rule that matches (its number and messages), the final
actions, and which level of the hierarchy chose them (CLI flags > first matching rule >
process_config.default_actions > the built-in default ["record", "process_info"]).

Options:
      --json               JSON output
      --save-level LEVEL   As on the command line: none, record, logs or process_info
      --approval           As on the command line
  -h, --help               Show this help

Examples:
  ddcoterm rules test -- kubectl scale --context prod deploy/web --replicas=0
  ddcoterm rules test --json -- terraform apply | jq .actions`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "json", type: "boolean" },
    { name: "save-level", type: "string", choices: SAVE_LEVELS },
    { name: "approval", type: "boolean" },
  ], { context: "ddcoterm rules" });
  if (parsed.options.help) {
    printOut(HELP);
    return 0;
  }
  if (parsed.positionals[0] !== "test") {
    throw new UserError("Usage: ddcoterm rules test -- COMMAND... (see ddcoterm rules --help)");
  }
  const argv = parsed.rest ?? parsed.positionals.slice(1);
  if (argv.length === 0) throw new UserError("ddcoterm rules test needs a command after --");
  const env = Deno.env.toObject();
  const path = configPath(env);
  const { config, warnings } = await loadConfig(path);
  const { evaluateCommand } = await import("../rules/mod.ts");
  const [executable, ...rest] = argv;
  const decision = await evaluateCommand(
    config,
    {
      executable,
      args: rest,
      env,
      cwd: Deno.cwd(),
      user: currentUser(env),
      hostname: Deno.hostname(),
      isInteractive: Deno.stdin.isTerminal() && Deno.stdout.isTerminal(),
    },
    cliActions(parsed.options),
    { wasmPath: bundledWasmPath(), cacheDir: cacheDir(ddcotermHome()) },
  );

  if (parsed.options.json) {
    printOut(JSON.stringify({ config: path, warnings, ...decision }, null, 2));
    return 0;
  }
  const lines = [`Config: ${path}`];
  for (const w of warnings) lines.push(`Warning: ${w}`);
  if (decision.lints.length === 0) lines.push("Lints: none would warn");
  for (const lint of decision.lints) lines.push(`Lint warning: ${lint}`);
  if (decision.failure) lines.push(`Refused: ${decision.failure.message}`);
  const rule = decision.matchedRule;
  if (rule) {
    lines.push(
      `Matching rule: ${rule.index + 1} of command entry ${
        rule.entryIndex + 1
      } (line ${rule.line})`,
    );
    if (rule.userMessage) lines.push(`  user message: ${rule.userMessage}`);
    if (rule.approverMessage) lines.push(`  approver message: ${rule.approverMessage}`);
  } else if (!decision.failure) {
    lines.push("Matching rule: none");
  }
  lines.push(`Actions: ${JSON.stringify(decision.actions)} (from ${describe(decision.source)})`);
  printOut(lines.join("\n"));
  return 0;
}

function describe(source: string): string {
  switch (source) {
    case "cli":
      return "command-line flags";
    case "rule":
      return "the matching rule";
    case "default_actions":
      return "process_config.default_actions";
    default:
      return "the built-in default";
  }
}
