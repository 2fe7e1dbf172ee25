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
 *   actions include approval          | break glass          | record (+process_info), audited
 *   actions include approval          | no break glass       | needs approval, then record
 *   actions include record/incidents  | inside a session     | exec (joins the session)
 *   actions include record/incidents  | outside              | record (incidents: linked)
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
  const gated = actions.includes("approval");
  if (gated && !situation.breakGlass) return { kind: "needs_approval", actions };
  if (gated) {
    const forced = new Set<Action>(actions.filter((a) => a !== "approval"));
    forced.add("record");
    forced.add("process_info");
    return { kind: "record", actions: [...forced], breakGlass: true };
  }
  const recorded = ["record", "logs", "process_info", "incidents"] as const;
  if (recorded.some((a) => actions.includes(a))) {
    if (situation.insideSession) return { kind: "exec", actions, joinsSession: true };
    return { kind: "record", actions, breakGlass: false };
  }
  return { kind: "exec", actions, joinsSession: situation.insideSession };
}

/**
 * The actions an approved command runs with: the rule's others, always recorded, so the
 * request links to what was done under it.
 */
export function approvedActions(actions: readonly Action[]): Action[] {
  const rest = new Set<Action>(actions.filter((a) => a !== "approval"));
  rest.add("record");
  return [...rest];
}
