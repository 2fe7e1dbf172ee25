import { configPath, loadConfig } from "../config/mod.ts";
import { EXIT_CANNOT_EXECUTE, EXIT_NOT_FOUND, UserError } from "../core/errors.ts";
import { cacheDir, ddcotermHome, sessionsDir } from "../core/home.ts";
import { approvedActions, breakGlassRequested, plan } from "../guard/plan.ts";
import { execReplacingProcess } from "../pty/mod.ts";
import { appendToSession } from "../record/join.ts";
import { currentUser } from "../record/user.ts";
import type { CliActions, Decision } from "../rules/types.ts";
import { findRealBinary } from "../shim/shims.ts";
import { say } from "./output.ts";
import { mark } from "../core/startup_marks.ts";
import { processInfoMode, recordProgram, type RecordSettings, resolveProgram } from "./record.ts";
import { bundledWasmPath } from "./self.ts";
import { redactModule } from "./redaction.ts";
import { askLine, confirmLint } from "./tty.ts";

export interface GuardedRun {
  /** The command as typed: argv[0] is a name (found on PATH, shims skipped) or a path. */
  argv: string[];
  env: Record<string, string>;
  cli?: CliActions;
  settings: RecordSettings;
  /** Run from a shim in overrides/ (as opposed to `ddcoterm -- cmd`). */
  viaShim: boolean;
}

/**
 * A command through the guardrails: lints (each answered on the terminal), then the first
 * matching rule decides, then the plan runs: exec the real program, record it, or refuse.
 */
export async function runGuarded(run: GuardedRun): Promise<number> {
  const [name, ...args] = run.argv;
  const home = ddcotermHome();
  const file = name.includes("/") ? resolveProgram(name, run.env.PATH) : findRealBinary(
    name,
    run.env.PATH,
    home,
  );
  if (!file) throw new UserError(`${name}: command not found`, EXIT_NOT_FOUND);

  mark("guard: program found");
  const path = configPath(run.env);
  const { config } = await loadConfig(path);
  const { evaluateCommand } = await import("../rules/mod.ts");
  const decision = await evaluateCommand(
    config,
    {
      executable: name,
      args,
      env: run.env,
      cwd: Deno.cwd(),
      user: currentUser(run.env),
      hostname: Deno.hostname(),
      isInteractive: Deno.stdin.isTerminal() && Deno.stdout.isTerminal(),
    },
    run.cli,
    { wasmPath: bundledWasmPath(), cacheDir: cacheDir(home) },
  );

  mark("guard: decided");
  const lintAnswers = answerLints(name, decision);
  const sessionId = run.env.DDCOTERM_SESSION_ID;
  const next = plan(decision, {
    breakGlass: breakGlassRequested(run.env.COTERM_BREAK_GLASS),
    insideSession: Boolean(sessionId),
  });
  if (decision.matchedRule?.userMessage && next.kind !== "refuse") {
    say(decision.matchedRule.userMessage);
  }

  switch (next.kind) {
    case "refuse":
      say(`${name}: ${next.message}`);
      return 1;
    case "needs_approval": {
      const flow = await import("./approval_flow.ts");
      const connection = flow.approvalConnection(config, home);
      if (!connection) {
        say(flow.failClosed(
          name,
          "approvals need a ddcoterm server, which is not set up here (ddcoterm init)",
        ));
        return 1;
      }
      say(`${name}: this command needs approval (${describeSource(decision)})`);
      const { ApprovalApi } = await import("../approval/mod.ts");
      const api = new ApprovalApi(connection);
      const { redactString } = await redactModule();
      const command = redactString(run.argv.join(" "), config.redaction);
      const incident = await flow.chooseIncident(api, {
        automatic: next.actions.includes("incidents"),
        forApproval: true,
      });
      const rule = decision.matchedRule;
      const outcome = await flow.obtainApproval(api, {
        command,
        executable: name.slice(name.lastIndexOf("/") + 1),
        user: currentUser(run.env),
        host: Deno.hostname(),
        cwd: redactString(Deno.cwd(), config.redaction),
        rule: {
          source: decision.source,
          index: rule ? rule.index + 1 : null,
          line: rule?.line ?? null,
        },
        userMessage: rule?.userMessage ?? null,
        approverMessage: rule?.approverMessage ?? null,
        incidentId: incident?.id ?? null,
      }, name);
      if ("code" in outcome) return outcome.code;
      const approval = outcome.approved;
      const actions = approvedActions(next.actions);
      return await recordProgram(run.settings, {
        file,
        argv: run.argv,
        interactive: false,
        env: run.env,
        config,
        actions,
        initialEvents: [
          guardrailEvent(command, decision, lintAnswers),
          ...flow.linkEvents(approval, approval.incident),
        ],
        links: { approvalId: approval.id, incidentId: approval.incident?.id },
        processInfo: processInfoMode(run.settings, config.enablePtrace, actions),
      });
    }
    case "exec": {
      if (next.joinsSession && sessionId) {
        await auditInto(sessionId, run, decision, lintAnswers);
      }
      const errno = execReplacingProcess(file, run.argv, run.env);
      throw new UserError(`${name}: cannot run "${file}" (errno ${errno})`, EXIT_CANNOT_EXECUTE);
    }
    case "record": {
      let reason: string | null = null;
      if (next.breakGlass) {
        say(
          `COTERM_BREAK_GLASS is set: running ${name} without approval; this run is ` +
            `recorded and audited.`,
        );
        reason = askLine("Reason for breaking glass (one line): ");
      }
      mark("guard: planned");
      const { redactString } = await redactModule();
      mark("guard: redaction loaded");
      const command = redactString(run.argv.join(" "), config.redaction);
      mark("guard: command redacted");
      const events = [guardrailEvent(command, decision, lintAnswers)];
      const incident = next.actions.includes("incidents")
        ? await incidentToLink(config, home)
        : null;
      if (incident) {
        events.push({
          type: "incident",
          fields: { incident_id: incident.id, title: incident.title },
        });
      }
      if (next.breakGlass) {
        events.push({
          type: "break_glass",
          fields: {
            user: currentUser(run.env),
            host: Deno.hostname(),
            command,
            reason: reason === null ? null : redactString(reason, config.redaction),
            rule: decision.matchedRule ? decision.matchedRule.index + 1 : null,
          },
        });
      }
      return await recordProgram(run.settings, {
        file,
        argv: run.argv,
        interactive: false,
        env: run.env,
        config,
        actions: next.actions,
        initialEvents: events,
        links: incident ? { incidentId: incident.id } : undefined,
        processInfo: processInfoMode(run.settings, config.enablePtrace, next.actions),
      });
    }
  }
}

interface LintAnswer {
  message: string;
  answer: "yes" | "no" | "no terminal";
}

/** Shows each lint warning and asks; anything but y/yes, or no terminal, aborts (exit 1). */
function answerLints(name: string, decision: Decision): LintAnswer[] {
  const answers: LintAnswer[] = [];
  for (const message of decision.lints) {
    const ok = confirmLint(message);
    if (ok === null) {
      throw new UserError(
        `${name}: not run: a guardrail warning needs confirmation and there is no terminal ` +
          `to ask: ${message}`,
        1,
      );
    }
    answers.push({ message, answer: ok ? "yes" : "no" });
    if (!ok) throw new UserError(`${name}: aborted`, 1);
  }
  return answers;
}

function describeSource(decision: Decision): string {
  if (decision.source === "cli") return "--approval";
  if (decision.matchedRule) {
    return `rule ${decision.matchedRule.index + 1}, config.yaml line ${decision.matchedRule.line}`;
  }
  return "default_actions";
}

function guardrailEvent(
  command: string,
  decision: Decision,
  lints: LintAnswer[],
): { type: string; fields: Record<string, unknown> } {
  return {
    type: "guardrail",
    fields: {
      command,
      source: decision.source,
      rule: decision.matchedRule ? decision.matchedRule.index + 1 : null,
      line: decision.matchedRule?.line ?? null,
      actions: decision.actions,
      user_message: decision.matchedRule?.userMessage ?? null,
      lints,
    },
  };
}

/** A shimmed command inside a recorded session: its decision goes into that session. */
async function auditInto(
  sessionId: string,
  run: GuardedRun,
  decision: Decision,
  lints: LintAnswer[],
): Promise<void> {
  const { config } = await loadConfig(configPath(run.env));
  const { redactString } = await redactModule();
  const event = guardrailEvent(redactString(run.argv.join(" "), config.redaction), decision, lints);
  appendToSession(sessionsDir(ddcotermHome()), sessionId, event.type, event.fields);
}

/** The `incidents` action: the incident the user responds to, when a server knows of one. */
async function incidentToLink(
  config: Parameters<typeof recordProgram>[1]["config"],
  home: string,
): Promise<{ id: number; title: string } | null> {
  const flow = await import("./approval_flow.ts");
  const connection = flow.approvalConnection(config, home);
  if (!connection) return null;
  const { ApprovalApi } = await import("../approval/mod.ts");
  return await flow.chooseIncident(new ApprovalApi(connection), {
    automatic: true,
    forApproval: false,
  });
}
