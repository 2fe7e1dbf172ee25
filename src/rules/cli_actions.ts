import type { Action } from "../config/mod.ts";
import type { CliActions, SaveLevel } from "./types.ts";

const LEVEL_ACTIONS: Record<SaveLevel, Action[]> = {
  none: [],
  record: ["record"],
  logs: ["record", "logs"],
  process_info: ["record", "logs", "process_info"],
};

/**
 * The actions asked for on the command line, or undefined when none were. As in CoTerm, CLI
 * flags replace everything else: `--approval` alone means approval and nothing more.
 */
export function actionsFromCli(cli: CliActions | undefined): Action[] | undefined {
  if (!cli || (cli.saveLevel === undefined && !cli.approval)) return undefined;
  const actions = cli.saveLevel === undefined ? [] : [...LEVEL_ACTIONS[cli.saveLevel]];
  if (cli.approval) actions.push("approval");
  return actions;
}
