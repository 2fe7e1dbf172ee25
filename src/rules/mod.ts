/**
 * Lua lints and rules: from a Config and an invocation to a Decision value.
 *
 * ```ts
 * import { evaluateCommand } from "./mod.ts";
 * const decision = await evaluateCommand(config, {
 *   executable: "kubectl", args: ["scale", "deploy/web"], env: Deno.env.toObject(),
 *   cwd: Deno.cwd(), user: "ada", hostname: "laptop", isInteractive: true,
 * });
 * if (decision.failure) { ... } // fail closed
 * ```
 *
 * wasmoon is only imported (lazily) by lua_engine.ts, yaml only by kubeconfig_parse.ts; import `luaSyntaxChecker` only where a
 * full config check is wanted (it loads Lua).
 */
export { DEFAULT_BUDGET_MS, evaluateCommand, type EvaluateOptions } from "./evaluate.ts";
export { actionsFromCli } from "./cli_actions.ts";
export { type FlagTable, type ParsedFlags, parseFlags } from "./flags.ts";
export { buildGlobals, commandName, type LuaGlobals } from "./globals.ts";
export {
  type KubeconfigInfo,
  kubeconfigPaths,
  readKubeconfig,
  type TextReader,
} from "./kubeconfig.ts";
export type {
  CliActions,
  Decision,
  DecisionSource,
  Invocation,
  MatchedRule,
  SaveLevel,
} from "./types.ts";
export { SAVE_LEVELS } from "./types.ts";

import type { LuaSyntaxCheck } from "../config/mod.ts";

/** Compiles snippets for `loadConfig(path, { checkLua })`. Loads wasmoon (about 35 ms). */
export async function luaSyntaxChecker(wasmPath?: string): Promise<LuaSyntaxCheck> {
  const engine = await import("./lua_engine.ts");
  return engine.createLuaSyntaxChecker(wasmPath);
}
