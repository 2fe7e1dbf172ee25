/**
 * config.yaml → validated Config.
 *
 * ```ts
 * import { loadConfig } from "./mod.ts";
 * const { config, warnings } = await loadConfig("/home/u/.ddcoterm/config.yaml");
 * ```
 *
 * The one validating function is `validateConfig` in validate.ts; `parseConfigSync` in
 * parse.ts is the synchronous parser. Neither is re-exported here, because both load the
 * yaml package (about 30 ms), which `loadConfig` skips while its cache is fresh.
 */
export { configCachePath, configPath, loadConfig, type LoadOptions, parseConfig } from "./load.ts";
// Types only: validate.ts and parse.ts load the yaml package, which the hot path avoids.
export type {
  LuaSyntaxCheck,
  LuaSyntaxError,
  RawConfigDocument,
  ValidatedConfig,
  ValidateOptions,
} from "./validate.ts";
export {
  ConfigError,
  type ConfigPosition,
  type ConfigProblem,
  formatConfigError,
} from "./errors.ts";
export { BUILTIN_DEFAULT_ACTIONS, DEFAULT_HOST, DEFAULT_PORT, defaultConfig } from "./defaults.ts";
export { snippetPosition } from "./snippet.ts";
export { didYouMean } from "./suggest.ts";
export {
  type Action,
  ACTIONS,
  type CommandConfig,
  type Config,
  type ConnectionConfig,
  isAction,
  type ProcessConfig,
  type RuleConfig,
  type ServerConfig,
  type Snippet,
} from "./types.ts";
