import { configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { ddcotermHome } from "../core/home.ts";
import { isSessionId } from "../core/ids.ts";
import { type Approval, ApprovalApi, type BreakGlassItem } from "../approval/mod.ts";
import { resolveConnection } from "../upload/connection.ts";
import { type OptionSpec, parseArgs } from "./args.ts";
import { printOut, say } from "./output.ts";

const HELP = `Usage: ddcoterm approvals [list] [--all] [--json]
       ddcoterm approvals show ID [--json]
       ddcoterm approvals approve ID [--comment TEXT] [--json]
       ddcoterm approvals decline ID --comment TEXT [--json]
       ddcoterm approvals cancel ID [--json]
       ddcoterm approvals break-glass [--all] [--json]
       ddcoterm approvals acknowledge ID --comment TEXT [--json]

Approval requests on the ddcoterm server, from a reviewer's terminal (the API key of this
machine says who you are). "list" shows the pending requests you can decide; --all shows
every request you can see, newest first. The requester's command starts the moment the
last approval it needs arrives; one decline declines it. Nobody approves their own request.

"break-glass" lists runs made with COTERM_BREAK_GLASS that no approver has reviewed yet
(--all: reviewed ones too); "acknowledge" reviews one, with a comment, after watching its
recording. An ID may be shortened to a unique prefix.

Options:
      --comment TEXT  Why (needed to decline and to acknowledge)
      --all           list, break-glass: not only what waits for you
      --json          JSON output, for scripts
  -h, --help          Show this help

Examples:
  ddcoterm approvals
  ddcoterm approvals show 01a1fd37-2694
  ddcoterm approvals approve 01a1fd37-2694 --comment "rollback plan checked"
  ddcoterm approvals decline 01a1fd37-2694 --comment "not during the freeze"
  ddcoterm approvals list --all --json | jq '.[] | select(.status == "approved")'
  ddcoterm approvals break-glass
  ddcoterm approvals acknowledge 12 --comment "fixed the outage; fine"`;

const OPTIONS: OptionSpec[] = [
  { name: "help", short: "h", type: "boolean" },
  { name: "comment", type: "string" },
  { name: "all", type: "boolean" },
  { name: "json", type: "boolean" },
];

/** The API for this machine's server, or a UserError saying how to set one up. */
export async function approvalApi(): Promise<ApprovalApi> {
  const env = Deno.env.toObject();
  const { config } = await loadConfig(configPath(env));
  const connection = resolveConnection(config.connectionConfig, ddcotermHome());
  if (!connection) {
    throw new UserError(
      'No ddcoterm server is set up here: run "ddcoterm init --host URL --api-key KEY"',
      1,
    );
  }
  return new ApprovalApi(connection);
}

/** Server answers and network trouble as one-sentence user errors. */
export async function talk<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError((error as Error).message, 1);
  }
}

async function resolveId(api: ApprovalApi, prefix: string | undefined): Promise<string> {
  if (!prefix) throw new UserError("Give the approval request's ID (see ddcoterm approvals)");
  if (isSessionId(prefix)) return prefix;
  const matches = (await api.list({ limit: "1000" })).filter((a) => a.id.startsWith(prefix));
  if (matches.length === 1) return matches[0].id;
  if (matches.length === 0) throw new UserError(`No approval request "${prefix}"`, 1);
  throw new UserError(`"${prefix}" matches ${matches.length} requests: give more of the ID`);
}

function age(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

function row(a: Approval): string {
  const count = `${a.approvals}/${a.requiredApprovals}`;
  return [
    a.id.slice(0, 13),
    a.status.padEnd(9),
    a.requester.padEnd(10),
    age(a.createdAt).padEnd(8),
    count,
    a.command || a.approverMessage || "(manual)",
  ].join("  ");
}

export function describe(a: Approval): string {
  const lines = [
    `Request   ${a.id}`,
    `Status    ${a.status}${a.decidedAt ? ` at ${a.decidedAt}` : ""}`,
    `Requester ${a.requester} (${a.user}@${a.host || "?"})${a.cwd ? ` in ${a.cwd}` : ""}`,
    `Command   ${a.command || "(manual approval)"}`,
  ];
  if (a.rule?.index) lines.push(`Rule      ${a.rule.index} (config.yaml line ${a.rule.line})`);
  else if (a.rule) lines.push(`Source    ${a.rule.source}`);
  if (a.userMessage) lines.push(`To user   ${a.userMessage}`);
  if (a.approverMessage) lines.push(`Message   ${a.approverMessage}`);
  if (a.incident) {
    lines.push(`Incident  #${a.incident.id} ${a.incident.title} (${a.incident.status})`);
  }
  lines.push(
    `Reviewers ${a.reviewers.join(", ") || "(users with the approver role)"}; ` +
      `needs ${a.requiredApprovals}, has ${a.approvals}`,
    `Expires   ${a.expiresAt}`,
  );
  if (a.sessionId) lines.push(`Session   ${a.sessionId}`);
  for (const d of a.decisions) {
    lines.push(`  ${d.at}  ${d.decision} by ${d.reviewer}${d.comment ? `: ${d.comment}` : ""}`);
  }
  if (a.timeline?.length) {
    lines.push("Timeline");
    for (const t of a.timeline) {
      const extra = typeof t.detail.comment === "string" ? `: ${t.detail.comment}` : "";
      lines.push(`  ${t.at}  ${t.actor}  ${t.kind.replaceAll("_", " ")}${extra}`);
    }
  }
  return lines.join("\n");
}

function breakGlassRow(b: BreakGlassItem): string {
  const state = b.acknowledgedBy ? `acknowledged by ${b.acknowledgedBy}` : "unreviewed";
  return [
    String(b.id).padEnd(5),
    age(b.at).padEnd(8),
    `${b.owner} (${b.user}@${b.host})`.padEnd(24),
    state.padEnd(14),
    b.command,
    b.reason ? `(reason: ${b.reason})` : "",
    `session ${b.sessionId.slice(0, 13)}`,
  ].join("  ");
}

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, OPTIONS, { context: "ddcoterm approvals" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  const [action = "list", id, ...extra] = positionals;
  if (extra.length > 0) throw new UserError(`Unexpected "${extra.join(" ")}" (see --help)`);
  const json = options.json === true;
  const comment = options.comment as string | undefined;
  const api = await approvalApi();
  const show = (a: Approval) => printOut(json ? JSON.stringify(a, null, 2) : describe(a));
  switch (action) {
    case "list": {
      if (id) throw new UserError(`Unexpected "${id}" (see --help)`);
      const list = await talk(() =>
        api.list(options.all ? { limit: "200" } : { toReview: "true", status: "requested" })
      );
      if (json) printOut(JSON.stringify(list, null, 2));
      else {printOut(
          list.map(row).join("\n") || (options.all ? "No requests." : "Nothing to review."),
        );}
      return 0;
    }
    case "show": {
      const full = await talk(async () => await api.get(await resolveId(api, id)));
      show(full);
      return 0;
    }
    case "approve":
    case "decline": {
      if (action === "decline" && !comment) {
        throw new UserError('Declining needs --comment "why" (the requester sees it)');
      }
      const decided = await talk(async () =>
        await api.decide(await resolveId(api, id), action, comment)
      );
      if (json) printOut(JSON.stringify(decided, null, 2));
      else {
        const verb = action === "approve" ? "approved" : "declined";
        const more = decided.status === "requested"
          ? ` (${decided.approvals}/${decided.requiredApprovals} approvals so far)`
          : "";
        say(`${verb} request ${decided.id.slice(0, 13)}: ${decided.command || "(manual)"}${more}`);
      }
      return 0;
    }
    case "cancel": {
      const cancelled = await talk(async () => await api.cancel(await resolveId(api, id)));
      if (json) printOut(JSON.stringify(cancelled, null, 2));
      else say(`cancelled request ${cancelled.id.slice(0, 13)}`);
      return 0;
    }
    case "break-glass": {
      if (id) throw new UserError(`Unexpected "${id}" (see --help)`);
      const items = await talk(() => api.breakGlass(options.all ? "all" : "unreviewed"));
      if (json) printOut(JSON.stringify(items, null, 2));
      else {
        printOut(
          items.map(breakGlassRow).join("\n") ||
            (options.all ? "No break-glass runs." : "No unreviewed break-glass runs."),
        );
      }
      return 0;
    }
    case "acknowledge": {
      const n = Number(id);
      if (!id || !Number.isSafeInteger(n)) {
        throw new UserError("Give the break-glass run's ID (a number; see approvals break-glass)");
      }
      if (!comment) throw new UserError('Acknowledging needs --comment "what you checked"');
      const item = await talk(() => api.acknowledge(n, comment));
      if (json) printOut(JSON.stringify(item, null, 2));
      else say(`acknowledged break-glass run ${item.id} (${item.user}: ${item.command})`);
      return 0;
    }
    default:
      throw new UserError(
        `Unknown approvals command "${action}" (expected list, show, approve, decline, cancel, ` +
          `break-glass or acknowledge)`,
      );
  }
}
