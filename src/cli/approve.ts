import { BUILTIN_DEFAULT_ACTIONS, configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { ddcotermHome } from "../core/home.ts";
import { approvedActions } from "../guard/plan.ts";
import { currentUser } from "../record/user.ts";
import { ApprovalApi } from "../approval/mod.ts";
import { type OptionSpec, parseArgs } from "./args.ts";
import { approvalConnection, chooseIncident, linkEvents, obtainApproval } from "./approval_flow.ts";
import { printOut } from "./output.ts";
import { processInfoMode, recordProgram, recordSettings, resolveProgram } from "./record.ts";

const HELP = `Usage: ddcoterm approve [--message TEXT] [--incident ID] [--json] [-- COMMAND...]

A manual gate: asks the ddcoterm server's reviewers for approval and waits, with a status
line, until they decide. Without COMMAND it exits 0 when approved and 1 when declined, expired
or cancelled (^C cancels the request and exits 130), so a runbook or script can stop there.
With COMMAND it runs and records it once approved, tied to the request.

Reviewers are the other responders of the incident it is linked to (--incident, or picked
when you respond to one), else the users with the approver role. Without a reachable server
nothing can be approved: it fails (exit 1).

Options:
      --message TEXT  What the reviewers should know (shown in the request)
      --incident ID   Link the request to this incident (its responders review it)
      --json          Print the decided request as JSON on stdout
  -h, --help          Show this help

Examples:
  ddcoterm approve --message "start the failover of db1" && ./failover.sh
  ddcoterm approve --incident 3 -- kubectl --context prod rollout restart deploy/web
  ddcoterm approve --message "drop the old tables" --json | jq .decisions`;

const OPTIONS: OptionSpec[] = [
  { name: "help", short: "h", type: "boolean" },
  { name: "message", short: "m", type: "string" },
  { name: "incident", type: "number" },
  { name: "json", type: "boolean" },
];

export async function run(args: string[]): Promise<number> {
  const { options, positionals, rest } = parseArgs(args, OPTIONS, {
    context: "ddcoterm approve",
  });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UserError(`Put the command after --: ddcoterm approve -- ${positionals.join(" ")}`);
  }
  const argv = rest ?? [];
  const message = options.message as string | undefined;
  if (argv.length === 0 && !message) {
    throw new UserError('Say what needs approval: --message "TEXT", or -- COMMAND');
  }
  const env = Deno.env.toObject();
  const home = ddcotermHome();
  const { config } = await loadConfig(configPath(env));
  const file = argv.length > 0 ? resolveProgram(argv[0], env.PATH) : undefined;
  const connection = approvalConnection(config, home);
  if (!connection) {
    throw new UserError(
      'Approval needs a ddcoterm server, which is not set up here ("ddcoterm init"). ' +
        "Nothing was approved. In an emergency, COTERM_BREAK_GLASS=1 runs a guarded command " +
        "without approval (recorded and reviewed afterwards).",
      1,
    );
  }
  const api = new ApprovalApi(connection);
  const incidentOption = options.incident as number | undefined;
  let incidentId: number | null = incidentOption ?? null;
  if (incidentId === null) {
    incidentId = (await chooseIncident(api, { automatic: false, forApproval: true }))?.id ?? null;
  }
  const { redactString } = await import("../redact/mod.ts");
  const command = argv.length > 0 ? redactString(argv.join(" "), config.redaction) : "";
  const name = argv[0] ?? "approve";
  const outcome = await obtainApproval(api, {
    kind: argv.length > 0 ? "command" : "manual",
    command,
    executable: argv[0] ? argv[0].slice(argv[0].lastIndexOf("/") + 1) : undefined,
    user: currentUser(env),
    host: Deno.hostname(),
    cwd: redactString(Deno.cwd(), config.redaction),
    rule: { source: "manual", index: null, line: null },
    approverMessage: message ? redactString(message, config.redaction) : null,
    incidentId,
  }, name);
  if ("code" in outcome) return outcome.code;
  const approval = outcome.approved;
  if (options.json) printOut(JSON.stringify(approval, null, 2));
  if (!file) return 0;
  const actions = approvedActions(config.processConfig.defaultActions ?? BUILTIN_DEFAULT_ACTIONS);
  const settings = recordSettings({});
  return await recordProgram(settings, {
    file,
    argv,
    interactive: false,
    env,
    config,
    actions,
    initialEvents: linkEvents(approval, approval.incident),
    links: { approvalId: approval.id, incidentId: approval.incident?.id },
    processInfo: processInfoMode(settings, config.enablePtrace, actions),
  });
}
