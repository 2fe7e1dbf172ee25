import type { Action } from "../config/mod.ts";

/** The command about to run, as the shim or `ddcoterm -- cmd` sees it. */
export interface Invocation {
  /** As typed or resolved (`kubectl`, `/usr/bin/kubectl`); rules see its basename. */
  executable: string;
  /** Raw arguments after the executable. */
  args: string[];
  env: Record<string, string>;
  cwd: string;
  user: string;
  hostname: string;
  /** A terminal is present (stdin and stdout are ttys). */
  isInteractive: boolean;
}

/** `--save-level` values; each level includes the ones before it. */
export type SaveLevel = "none" | "record" | "logs" | "process_info";

export const SAVE_LEVELS: readonly SaveLevel[] = ["none", "record", "logs", "process_info"];

/** Actions asked for on the command line; when any is set, rules are not evaluated. */
export interface CliActions {
  saveLevel?: SaveLevel;
  approval?: boolean;
}

export type DecisionSource = "cli" | "rule" | "default_actions" | "builtin_default";

export interface MatchedRule {
  /** 0-based index of the rule within its command entry. */
  index: number;
  /** 0-based index of the entry under `process_config.commands`. */
  entryIndex: number;
  /** 1-based line of the rule's snippet in config.yaml. */
  line: number;
  userMessage?: string;
  approverMessage?: string;
}

/** What to do with a command. A pure value: the caller prints, prompts and executes. */
export interface Decision {
  /** Lint warnings in order, including lints that failed (described as warnings). */
  lints: string[];
  matchedRule?: MatchedRule;
  actions: Action[];
  source: DecisionSource;
  /** Set when a rule failed (error, time or memory budget): the command must not run. */
  failure?: { message: string; ruleIndex?: number; entryIndex?: number };
}
