import type { Action } from "../config/mod.ts";
import type { Decision } from "../rules/mod.ts";

/**
 * What to do with a command once lints have been answered: a pure function of the rules'
 * decision and the situation. The CLI carries it out.
 *
 *   decision                          | situation            | plan
 *   ----------------------------------+----------------------+-------------------------------
 *   failure (rule error, budget)      | any                  | refuse (fail closed)
 *   actions include deny              | any                  | refuse with the user message
 *   actions include approval/incidents| break glass          | record (+process_info), audited
 *   actions include approval/incidents| no break glass       | needs approval
 *   actions include record            | inside a session     | exec (joins the session)
 *   actions include record            | outside              | record
 *   no record                         | any                  | exec (no proxy at all)
 */
export type Plan =
  | { kind: "refuse"; message: string }
  | { kind: "needs_approval"; actions: Action[] }
  | { kind: "record"; actions: Action[]; breakGlass: boolean }
  | { kind: "exec"; actions: Action[]; joinsSession: boolean };

export interface Situation {
  /** COTERM_BREAK_GLASS is set to something other than "", "0" or "false". */
  breakGlass: boolean;
  /** DDCOTERM_SESSION_ID: this command already runs inside a recorded session. */
  insideSession: boolean;
}

export function breakGlassRequested(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return v !== "" && v !== "0" && v !== "false";
}

export function plan(decision: Decision, situation: Situation): Plan {
  if (decision.failure) return { kind: "refuse", message: decision.failure.message };
  const actions = decision.actions;
  if (actions.includes("deny")) {
    const why = decision.matchedRule?.userMessage ??
      (decision.matchedRule
        ? `denied by rule ${
          decision.matchedRule.index + 1
        } (config.yaml line ${decision.matchedRule.line})`
        : "denied by configuration");
    return { kind: "refuse", message: why };
  }
  const gated = actions.includes("approval") || actions.includes("incidents");
  if (gated && !situation.breakGlass) return { kind: "needs_approval", actions };
  if (gated) {
    const forced = new Set<Action>(actions.filter((a) => a !== "approval"));
    forced.add("record");
    forced.add("process_info");
    return { kind: "record", actions: [...forced], breakGlass: true };
  }
  if (actions.includes("record") || actions.includes("logs") || actions.includes("process_info")) {
    if (situation.insideSession) return { kind: "exec", actions, joinsSession: true };
    return { kind: "record", actions, breakGlass: false };
  }
  return { kind: "exec", actions, joinsSession: situation.insideSession };
}
