import { DEFAULT_REDACTION_CONFIG } from "../core/redaction_config.ts";
import type { Action, Config } from "./types.ts";

/** Taken when no CLI flag, rule or `default_actions` decides (CoTerm's documented default). */
export const BUILTIN_DEFAULT_ACTIONS: readonly Action[] = ["record", "process_info"];

export const DEFAULT_HOST = "https://app.datadoghq.com";
export const DEFAULT_PORT = 443;

/** The config used when config.yaml is missing or empty. */
export function defaultConfig(path: string): Config {
  return {
    path,
    processConfig: { commands: [] },
    enableTelemetry: false,
    enablePtrace: false,
    connectionConfig: { host: DEFAULT_HOST, port: DEFAULT_PORT },
    redaction: {
      ...DEFAULT_REDACTION_CONFIG,
      disable: [],
      rules: [],
      allow: [],
    },
    server: {},
  };
}
