/**
 * The requester's side of an approval, on the terminal: offer to link an incident, create the
 * request, show a live status line while waiting (who was asked, time elapsed, how to cancel),
 * and report the outcome. ^C cancels the request on the server. Shared by guarded commands
 * (the `approval` action, --approval) and `ddcoterm approve`.
 */
import { type Connection, resolveConnection } from "../upload/connection.ts";
import type { Config } from "../config/mod.ts";
import {
  ApiError,
  type Approval,
  ApprovalApi,
  type Incident,
  type NewApprovalRequest,
  statusLine,
  Unreachable,
  waitForDecision,
} from "../approval/mod.ts";
import { mark } from "../core/startup_marks.ts";
import { say } from "./output.ts";
import { askLine } from "./tty.ts";

const encoder = new TextEncoder();

/** The message when approval cannot be asked for: the command does not run. */
export function failClosed(name: string, why: string): string {
  return `${name}: needs approval, and ${why}. Not run. In an emergency, COTERM_BREAK_GLASS=1 ` +
    `runs it without approval; that run is recorded and reviewed afterwards.`;
}

export function approvalConnection(config: Config, home: string): Connection | null {
  return resolveConnection(config.connectionConfig, home);
}

/**
 * The incident to link: with the `incidents` action a single one is linked as is; otherwise
 * (or with several) the user is asked. None, no terminal or no answer: no link.
 */
export async function chooseIncident(
  api: ApprovalApi,
  { automatic, forApproval }: { automatic: boolean; forApproval: boolean },
): Promise<Incident | null> {
  let incidents: Incident[];
  try {
    incidents = await api.myIncidents();
  } catch {
    return null; // Linking is a convenience: the request itself reports a dead server.
  }
  if (incidents.length === 0) return null;
  const label = (i: Incident) => `#${i.id} "${i.title}" (${i.responders.join(", ")})`;
  const effect = forApproval ? " Its other responders become the reviewers." : "";
  if (incidents.length === 1) {
    const [only] = incidents;
    if (automatic) {
      say(`linked to incident ${label(only)}`);
      return only;
    }
    const answer = askLine(
      `ddcoterm: link this request to incident ${label(only)}?${effect} (y/N) `,
    );
    return answer !== null && /^(y|yes)$/i.test(answer.trim()) ? only : null;
  }
  const menu = incidents.map((incident, i) => `  ${i + 1}. ${label(incident)}`).join("\n");
  const answer = askLine(
    `ddcoterm: you respond to ${incidents.length} incidents:\n${menu}\n` +
      `Link to which one?${effect} (1-${incidents.length}, Enter for none) `,
  );
  const pick = Number(answer?.trim());
  if (answer === null || !Number.isInteger(pick) || pick < 1 || pick > incidents.length) {
    if (answer === null) say("several incidents and no terminal to ask: not linked");
    return null;
  }
  return incidents[pick - 1];
}

/** Exit code when the request was not approved (declined, expired, cancelled). */
export const EXIT_NOT_APPROVED = 1;
/** Exit code after ^C, as a shell reports SIGINT. */
export const EXIT_INTERRUPTED = 130;

/**
 * Creates the request and waits. Returns the approved request, or the exit code to end with
 * (the reason already said).
 */
export async function obtainApproval(
  api: ApprovalApi,
  request: NewApprovalRequest,
  name: string,
): Promise<{ approved: Approval } | { code: number }> {
  // Listening before the request exists: a ^C while it is being created still cancels it.
  const abort = new AbortController();
  const onInterrupt = () => abort.abort();
  Deno.addSignalListener("SIGINT", onInterrupt);
  let approval: Approval;
  try {
    approval = await api.create(request);
  } catch (error) {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (error instanceof Unreachable) {
      say(failClosed(name, `the server cannot be reached (${error.message})`));
    } else say(`${name}: cannot request approval: ${(error as Error).message}. Not run.`);
    return { code: EXIT_NOT_APPROVED };
  }
  const asked = approval.reviewers.length > 0 ? approval.reviewers.join(", ") : "the approvers";
  const expires = new Date(approval.expiresAt);
  say(
    `approval request ${approval.id.slice(0, 13)} sent to ${asked}` +
      (approval.incident ? ` (incident #${approval.incident.id})` : "") +
      `; expires at ${expires.toLocaleTimeString()}: ${api.connection.url}/approvals/${approval.id}`,
  );

  const started = Date.now();
  const live = Deno.stderr.isTerminal();
  let shown = approval;
  const draw = () => {
    if (!live) return;
    const line = `ddcoterm: ${statusLine(shown, started, Date.now())}`;
    const width = (() => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 80;
      }
    })();
    Deno.stderr.writeSync(encoder.encode(`\r\x1b[2K${line.slice(0, Math.max(10, width - 1))}`));
  };
  const clear = () => live && Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
  if (!live) say(statusLine(approval, started, started));
  draw();
  const ticker = live ? setInterval(draw, 1000) : undefined;
  let troubleSaid = false;
  let result: Approval | "aborted";
  try {
    result = await waitForDecision(api, approval, {
      signal: abort.signal,
      onUpdate: (next) => {
        const added = next.decisions.slice(shown.decisions.length);
        shown = next;
        for (const d of added) {
          if (next.status === "requested") {
            clear();
            say(`${d.decision} by ${d.reviewer}${d.comment ? `: ${d.comment}` : ""}`);
          }
        }
        draw();
      },
      onTrouble: (message) => {
        if (troubleSaid) return;
        troubleSaid = true;
        clear();
        say(`${message}; still waiting (^C cancels)`);
      },
    });
  } catch (error) {
    clear();
    say(`${name}: ${(error as ApiError).message}. Not run.`);
    return { code: EXIT_NOT_APPROVED };
  } finally {
    clearInterval(ticker);
    Deno.removeSignalListener("SIGINT", onInterrupt);
    clear();
  }

  if (result === "aborted") {
    try {
      await api.cancel(approval.id);
      say(`${name}: interrupted: approval request cancelled. Not run.`);
    } catch (error) {
      say(
        `${name}: interrupted (the request could not be cancelled: ${
          (error as Error).message
        }). Not run.`,
      );
    }
    return { code: EXIT_INTERRUPTED };
  }
  const last = result.decisions.at(-1);
  switch (result.status) {
    case "approved": {
      mark("approval received");
      const by = result.decisions.filter((d) => d.decision === "approved");
      say(
        `approved by ${by.map((d) => d.reviewer).join(", ")}` +
          (last?.comment ? `: ${last.comment}` : ""),
      );
      return { approved: result };
    }
    case "declined":
      say(
        `${name}: declined by ${last?.reviewer ?? "a reviewer"}: ${
          last?.comment ?? "(no comment)"
        }. Not run.`,
      );
      return { code: EXIT_NOT_APPROVED };
    case "expired":
      say(
        `${name}: the approval request expired without ${
          result.requiredApprovals > 1 ? `${result.requiredApprovals} approvals` : "an approval"
        }. Not run.`,
      );
      return { code: EXIT_NOT_APPROVED };
    default:
      say(`${name}: the approval request was cancelled. Not run.`);
      return { code: EXIT_NOT_APPROVED };
  }
}

/** The events that tie a recording to its request and incident (events.jsonl). */
export function linkEvents(
  approval: Approval | null,
  incident: { id: number; title: string } | null,
): { type: string; fields: Record<string, unknown> }[] {
  const events: { type: string; fields: Record<string, unknown> }[] = [];
  if (approval) {
    events.push({
      type: "approval",
      fields: {
        approval_id: approval.id,
        status: approval.status,
        approved_by: approval.decisions.filter((d) => d.decision === "approved").map((d) =>
          d.reviewer
        ),
        incident_id: approval.incident?.id ?? null,
      },
    });
  }
  if (incident) {
    events.push({ type: "incident", fields: { incident_id: incident.id, title: incident.title } });
  }
  return events;
}
