import {
  type Action,
  BUILTIN_DEFAULT_ACTIONS,
  type CommandConfig,
  type Config,
  type Snippet,
  snippetPosition,
} from "../config/mod.ts";
import { actionsFromCli } from "./cli_actions.ts";
import { buildGlobals, commandName } from "./globals.ts";
import { type KubeconfigInfo, readKubeconfig, type TextReader } from "./kubeconfig.ts";
import type { LuaSession, SnippetOutcome } from "./lua_engine.ts";
import { DEFAULT_LUA_LIMITS, type LuaLimits } from "./lua_limits.ts";
import {
  evaluateInSubset,
  type SubsetEnvironment,
  subsetEnvironment,
  type SubsetOutcome,
} from "./subset_eval.ts";
import { mark } from "../core/startup_marks.ts";
import type { CliActions, Decision, Invocation, MatchedRule } from "./types.ts";

export interface EvaluateOptions {
  /** One time budget for all lints and rules of the command, in ms (default 50). */
  budgetMs?: number;
  /** Memory snippets may allocate, in bytes (default 8 MiB). */
  memoryBytes?: number;
  /** Reads kubeconfig files (default: the file system; missing files give undefined). */
  readTextFile?: TextReader;
  /** Path of wasmoon's glue.wasm when it is not next to wasmoon's code (bundles). */
  wasmPath?: string;
  /** Where derived data may be cached (the parsed kubeconfig); none when absent. */
  cacheDir?: string;
}

export const DEFAULT_BUDGET_MS = 50;

interface LintItem {
  entry: CommandConfig;
  index: number;
  snippet: Snippet;
}

interface RuleItem extends LintItem {
  actions: Action[];
}

/**
 * Decides what to do with a command: lints in order, then the first matching rule, within
 * the action hierarchy CLI flags > first matching rule > `default_actions` > built-in default.
 * Every `command:` entry whose name is the executable's basename applies, in file order.
 * Snippets in the subset of Lua that subset_eval.ts reproduces are decided without Lua;
 * wasmoon is loaded at the first one outside it and decides the rest. A rule that fails
 * (error, time or memory budget) fails closed; a lint that fails becomes a warning.
 */
export async function evaluateCommand(
  config: Config,
  invocation: Invocation,
  cliActions?: CliActions,
  options: EvaluateOptions = {},
): Promise<Decision> {
  const name = commandName(invocation.executable);
  const entries = config.processConfig.commands.filter((entry) => entry.command === name);
  const cli = actionsFromCli(cliActions);
  const lints: LintItem[] = entries.flatMap((entry) =>
    entry.lints.map((snippet, index) => ({ entry, index, snippet }))
  );
  // With CLI actions the rules cannot change the outcome, so they are not evaluated.
  const rules: RuleItem[] = cli
    ? []
    : entries.flatMap((entry) =>
      entry.rules.map((rule, index) => ({
        entry,
        index,
        snippet: rule.rule,
        actions: rule.actions,
      }))
    );
  const fallback = (): Decision => {
    if (cli) return { lints: [], actions: cli, source: "cli" };
    const configured = config.processConfig.defaultActions;
    return configured
      ? { lints: [], actions: [...configured], source: "default_actions" }
      : { lints: [], actions: [...BUILTIN_DEFAULT_ACTIONS], source: "builtin_default" };
  };

  if (lints.length === 0 && rules.length === 0) return fallback();

  // Kubeconfig is read only for a command whose lints or rules mention k8s_, and only once a
  // snippet that mentions it, or Lua, is about to run.
  const needsKube = [...lints, ...rules].some((item) => item.snippet.source.includes("k8s_"));
  let kube: KubeconfigInfo | undefined;
  let kubeRead = !needsKube;
  /** The subset's globals; built again once the kubeconfig is read. */
  let subset: SubsetEnvironment | undefined;
  const readKube = async () => {
    if (kubeRead) return;
    kube = await readKubeconfig(invocation.env, options.readTextFile, options.cacheDir);
    kubeRead = true;
    subset = undefined;
    mark("rules: kubeconfig read");
  };
  const limits: LuaLimits = {
    ...DEFAULT_LUA_LIMITS,
    memoryBytes: options.memoryBytes ?? DEFAULT_LUA_LIMITS.memoryBytes,
  };

  const messages: string[] = [];
  let session: LuaSession | undefined;
  try {
    // Lints, then rules, decided without Lua up to the first snippet outside the subset.
    const useSubset = limits.memoryBytes >= SUBSET_MIN_MEMORY;
    let next = 0;
    for (; useSubset && next < lints.length + rules.length; next++) {
      const isLint = next < lints.length;
      const item = isLint ? lints[next] : rules[next - lints.length];
      if (item.snippet.source.includes("k8s_")) await readKube();
      subset ??= subsetEnvironment(buildGlobals(invocation, kube), limits.patternSteps);
      if (!subset) break;
      const outcome = decideInSubset(item.snippet.source, isLint ? "lint" : "rule", subset);
      if (!outcome) break;
      if (outcome.status === "lint") messages.push(outcome.message);
      if (outcome.status === "match") {
        mark("rules: decided without Lua");
        return { ...fallback(), lints: messages, ...matched(item as RuleItem, outcome) };
      }
    }
    const pendingLints = lints.slice(Math.min(next, lints.length));
    const pendingRules = rules.slice(Math.max(0, next - lints.length));
    if (pendingLints.length === 0 && pendingRules.length === 0) {
      mark("rules: decided without Lua");
      return { ...fallback(), lints: messages };
    }

    mark("rules: lua needed");
    const engine = await import("./lua_engine.ts");
    mark("rules: lua_engine imported");
    await readKube();
    session = await engine.openLuaSession(buildGlobals(invocation, kube), limits, options.wasmPath);
    mark("rules: session open");
    return runInLua(
      session,
      config,
      messages,
      pendingLints,
      pendingRules,
      fallback(),
      options.budgetMs,
    );
  } catch (error) {
    const why = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return {
      ...fallback(),
      lints: messages,
      actions: ["deny"],
      source: "rule",
      failure: {
        message:
          `Cannot evaluate the lints and rules of command "${name}" from "${config.path}": ` +
          `${why}; the command is not run`,
      },
    };
  } finally {
    session?.close();
  }
}

/**
 * The subset evaluator needs Lua's memory limit to be far above what it lets a snippet
 * allocate (1 MiB), so that the limit can never be what decides.
 */
const SUBSET_MIN_MEMORY = 4 * 1024 * 1024;

/** The subset's outcome, or undefined (Lua decides), also should the evaluator itself fail. */
function decideInSubset(
  source: string,
  kind: "lint" | "rule",
  environment: SubsetEnvironment,
): SubsetOutcome | undefined {
  try {
    return evaluateInSubset(source, kind, environment);
  } catch {
    return undefined;
  }
}

function runInLua(
  session: LuaSession,
  config: Config,
  earlierLints: string[],
  lints: LintItem[],
  rules: RuleItem[],
  fallback: Decision,
  budgetMs = DEFAULT_BUDGET_MS,
): Decision {
  const messages = [...earlierLints];
  const items = [...lints, ...rules];
  const compileErrors = new Map<number, SnippetOutcome>();
  items.forEach((item, id) => {
    const error = session.compile(id, item.snippet.source);
    if (error) {
      compileErrors.set(id, {
        status: "error",
        message: `syntax error: ${error.message}`,
        line: error.line,
      });
    }
  });

  mark("rules: snippets compiled");
  session.setDeadline(Date.now() + budgetMs);
  lints.forEach((lint, id) => {
    const outcome = compileErrors.get(id) ?? session.run(id, "lint");
    if (outcome.status === "lint") messages.push(outcome.message);
    else if (outcome.status !== "none") {
      const at = lineOf(outcome);
      messages.push(`${describe("Lint", lint, config, at)} failed: ${why(outcome, budgetMs)}`);
    }
  });
  for (const [offset, rule] of rules.entries()) {
    const id = lints.length + offset;
    const outcome = compileErrors.get(id) ?? session.run(id, "rule");
    if (outcome.status === "nomatch") continue;
    if (outcome.status === "match") {
      return { ...fallback, lints: messages, ...matched(rule, outcome) };
    }
    return {
      lints: messages,
      actions: ["deny"],
      source: "rule",
      failure: {
        message: `${describe("Rule", rule, config, lineOf(outcome))} failed, so the command ` +
          `is not run: ` +
          why(outcome, budgetMs),
        ruleIndex: rule.index,
        entryIndex: rule.entry.index,
      },
    };
  }
  return { ...fallback, lints: messages };
}

function matched(
  rule: RuleItem,
  messages: { userMessage?: string; approverMessage?: string },
): { matchedRule: MatchedRule; actions: Action[]; source: "rule" } {
  const matchedRule: MatchedRule = {
    index: rule.index,
    entryIndex: rule.entry.index,
    line: rule.snippet.line,
  };
  if (messages.userMessage !== undefined) matchedRule.userMessage = messages.userMessage;
  if (messages.approverMessage !== undefined) {
    matchedRule.approverMessage = messages.approverMessage;
  }
  return { matchedRule, actions: [...rule.actions], source: "rule" };
}

/** `Rule 2 of command "kubectl" (entry 1) in "/h/config.yaml", line 14, column 11` */
function describe(kind: string, item: LintItem, config: Config, luaLine?: number): string {
  const at = snippetPosition(item.snippet, luaLine ?? 1);
  return `${kind} ${item.index + 1} of command "${item.entry.command}" ` +
    `(entry ${item.entry.index + 1}) in "${config.path}", line ${at.line}, column ${at.column}`;
}

function why(outcome: SnippetOutcome, budgetMs: number): string {
  switch (outcome.status) {
    case "timeout":
      return `it ran past the ${budgetMs} ms time budget for this command's lints and rules`;
    case "memory":
      return "it used more memory than allowed";
    case "error":
      return outcome.message;
    default:
      return `unexpected result "${outcome.status}"`;
  }
}

function lineOf(outcome: SnippetOutcome): number | undefined {
  return outcome.status === "error" ? outcome.line : undefined;
}
