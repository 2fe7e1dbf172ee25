import type { RedactionConfig } from "../core/redaction_config.ts";

/** Every action a rule, `default_actions` or the CLI can ask for. `deny` is ours: do not run. */
export const ACTIONS = ["record", "logs", "process_info", "approval", "incidents", "deny"] as const;

export type Action = typeof ACTIONS[number];

export function isAction(value: string): value is Action {
  return (ACTIONS as readonly string[]).includes(value);
}

/** A Lua snippet and where it sits in config.yaml, so errors can point at the file. */
export interface Snippet {
  source: string;
  /** 1-based line in the config file of the snippet's first line. */
  line: number;
  /** 1-based column in the config file of the snippet's first character. */
  column: number;
  /** True for `|` block scalars: snippet line k is file line `line + k - 1`. */
  linesMatchFile: boolean;
}

export interface RuleConfig {
  rule: Snippet;
  actions: Action[];
}

export interface CommandConfig {
  /** The executable name this entry applies to (matched against the basename). */
  command: string;
  lints: Snippet[];
  rules: RuleConfig[];
  /** 0-based position of the entry under `process_config.commands`. */
  index: number;
  /** 1-based line of the entry in the config file. */
  line: number;
}

export interface ProcessConfig {
  /** Unset when config.yaml does not name any (the built-in default then applies). */
  defaultActions?: Action[];
  commands: CommandConfig[];
}

export interface ConnectionConfig {
  host: string;
  port: number;
  apiKey?: string;
  appKey?: string;
}

/** Reserved `server:` section; only `url` is known so far. */
export interface ServerConfig {
  url?: string;
}

export interface Config {
  /** The file the config came from (also used in messages when the file does not exist). */
  path: string;
  processConfig: ProcessConfig;
  enableTelemetry: boolean;
  enablePtrace: boolean;
  connectionConfig: ConnectionConfig;
  redaction: RedactionConfig;
  server: ServerConfig;
}
