import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node,
  type YAMLMap,
} from "yaml";
import { ConfigError, type ConfigProblem } from "./errors.ts";
import { defaultConfig } from "./defaults.ts";
import { snippetPosition } from "./snippet.ts";
import { suggestion } from "./suggest.ts";
import {
  type Action,
  ACTIONS,
  type CommandConfig,
  type Config,
  isAction,
  type RuleConfig,
  type Snippet,
} from "./types.ts";
import type { CustomRedactionRule, RedactionConfig } from "../core/redaction_config.ts";

/** A Lua syntax error, `line` being the snippet's own line (1-based). */
export interface LuaSyntaxError {
  line: number;
  message: string;
}

/** Compiles a snippet without running it (the rules engine provides one). */
export type LuaSyntaxCheck = (source: string) => LuaSyntaxError | undefined;

export interface ValidateOptions {
  /** When given, every lint and rule is compiled and syntax errors are config errors. */
  checkLua?: LuaSyntaxCheck;
}

export interface ValidatedConfig {
  config: Config;
  /** `path:line:column: message` for unknown keys and other things that do not stop loading. */
  warnings: string[];
}

/** The parsed YAML with what is needed to turn offsets into positions. */
export interface RawConfigDocument {
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The file's text, used to find where a block scalar's lines start. */
  text: string;
}

const TOP_KEYS = [
  "process_config",
  "enable_telemetry",
  "enable_ptrace",
  "connection_config",
  "redaction",
  "server",
];
const PROCESS_KEYS = ["default_actions", "commands"];
const COMMAND_KEYS = ["command", "lints", "rules"];
const RULE_KEYS = ["rule", "actions"];
const CONNECTION_KEYS = ["host", "port", "api_key", "app_key"];
const REDACTION_KEYS = ["enabled", "disable", "rules", "allow"];
const REDACTION_RULE_KEYS = ["id", "regex", "keywords", "min_entropy", "secret_group"];

/**
 * Turns a parsed config.yaml into a validated Config: the one place that knows the schema.
 * Unknown keys become warnings; everything else that is wrong is collected and thrown as
 * one ConfigError naming the file, line and column of each problem.
 */
export function validateConfig(
  raw: RawConfigDocument,
  path: string,
  options: ValidateOptions = {},
): ValidatedConfig {
  const v = new Validator(raw, path);
  const config = defaultConfig(path);
  for (const error of raw.document.errors) {
    const at = error.linePos?.[0];
    v.problems.push({
      line: at?.line ?? 0,
      column: at?.col ?? 0,
      message: lowerFirst(error.message.split(" at line ")[0].split("\n")[0]),
    });
  }
  if (v.problems.length > 0) throw new ConfigError(path, v.problems);

  const root = v.resolve(raw.document.contents);
  if (root === null || (isScalar(root) && root.value === null)) return { config, warnings: [] };
  if (!isMap(root)) {
    v.error(root, `the top level must be a mapping of keys, got ${describe(root)}`);
    throw new ConfigError(path, v.problems);
  }

  for (const [key, value] of v.entries(root, TOP_KEYS, "")) {
    switch (key) {
      case "process_config": {
        const map = v.mapping(value, key);
        if (!map) break;
        for (const [pkey, pvalue, pkeyNode] of v.entries(map, PROCESS_KEYS, key)) {
          if (pkey === "default_actions") {
            const actions = v.actions(pvalue, `${key}.default_actions`);
            if (actions) config.processConfig.defaultActions = actions;
          } else {
            config.processConfig.commands = v.commands(pvalue, pkeyNode);
          }
        }
        break;
      }
      case "enable_telemetry":
        config.enableTelemetry = v.boolean(value, key) ?? config.enableTelemetry;
        break;
      case "enable_ptrace":
        config.enablePtrace = v.boolean(value, key) ?? config.enablePtrace;
        break;
      case "connection_config": {
        const map = v.mapping(value, key);
        if (!map) break;
        const conn = config.connectionConfig;
        for (const [ckey, cvalue] of v.entries(map, CONNECTION_KEYS, key)) {
          const name = `${key}.${ckey}`;
          if (ckey === "host") conn.host = v.url(cvalue, name) ?? conn.host;
          if (ckey === "port") conn.port = v.integer(cvalue, name, 1, 65535) ?? conn.port;
          if (ckey === "api_key") conn.apiKey = v.string(cvalue, name);
          if (ckey === "app_key") conn.appKey = v.string(cvalue, name);
        }
        break;
      }
      case "redaction":
        config.redaction = v.redaction(value) ?? config.redaction;
        break;
      case "server": {
        // Reserved and loosely checked: other keys under it are left alone for now.
        const map = v.mapping(value, key);
        const url = map?.items.find((pair) => v.keyText(pair.key) === "url");
        if (url) config.server.url = v.url(v.resolve(url.value as Node), "server.url");
        break;
      }
    }
  }

  if (options.checkLua) v.checkLua(config.processConfig.commands, options.checkLua);
  if (v.problems.length > 0) throw new ConfigError(path, v.problems);
  return { config, warnings: v.warnings };
}

type AnyNode = Node | null;

class Validator {
  problems: ConfigProblem[] = [];
  warnings: string[] = [];

  constructor(private raw: RawConfigDocument, private path: string) {}

  resolve(node: unknown): AnyNode {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return (node.resolve(this.raw.document) as Node | undefined) ?? null;
    return node as Node;
  }

  position(node: AnyNode): { line: number; column: number } {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 0, column: 0 };
    const { line, col } = this.raw.lineCounter.linePos(offset);
    return { line, column: col };
  }

  error(node: AnyNode, message: string): void {
    this.problems.push({ ...this.position(node), message });
  }

  warn(node: AnyNode, message: string): void {
    const { line, column } = this.position(node);
    this.warnings.push(`${this.path}:${line}:${column}: ${message}`);
  }

  keyText(node: unknown): string | undefined {
    const key = this.resolve(node);
    return isScalar(key) && key.value !== null ? String(key.value) : undefined;
  }

  /** The pairs of a mapping with known keys; unknown keys are warned about and skipped. */
  *entries(
    map: Node,
    known: readonly string[],
    parent: string,
  ): Generator<[string, AnyNode, AnyNode]> {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key);
      const key = this.keyText(keyNode);
      if (key === undefined) {
        this.error(keyNode, `keys must be plain names, got ${describe(keyNode)}`);
        continue;
      }
      if (!known.includes(key)) {
        const inside = parent === "" ? "" : ` in "${parent}"`;
        this.warn(keyNode, `unknown key "${key}"${inside}${suggestion(key, known)}; it is ignored`);
        continue;
      }
      yield [key, this.resolve(pair.value), keyNode];
    }
  }

  /** A mapping, or undefined (null counts as "not set"; anything else is an error). */
  mapping(node: AnyNode, name: string): YAMLMap | undefined {
    if (isNull(node)) return undefined;
    if (isMap(node)) return node;
    this.error(node, `"${name}" must be a mapping of keys, got ${describe(node)}`);
    return undefined;
  }

  list(node: AnyNode, name: string): AnyNode[] | undefined {
    if (isNull(node)) return undefined;
    if (isSeq(node)) return node.items.map((item) => this.resolve(item));
    this.error(node, `"${name}" must be a list, got ${describe(node)}`);
    return undefined;
  }

  boolean(node: AnyNode, name: string): boolean | undefined {
    if (isNull(node)) return undefined;
    if (isScalar(node) && typeof node.value === "boolean") return node.value;
    this.error(node, `"${name}" must be true or false, got ${describe(node)}`);
    return undefined;
  }

  string(node: AnyNode, name: string): string | undefined {
    if (isNull(node)) return undefined;
    if (isScalar(node) && typeof node.value === "string") {
      if (node.value.includes("\0")) this.error(node, `"${name}" contains a NUL character`);
      return node.value;
    }
    this.error(node, `"${name}" must be a string, got ${describe(node)}`);
    return undefined;
  }

  integer(node: AnyNode, name: string, min: number, max: number): number | undefined {
    if (isNull(node)) return undefined;
    if (isScalar(node) && typeof node.value === "number" && Number.isInteger(node.value)) {
      if (node.value >= min && node.value <= max) return node.value;
      this.error(node, `"${name}" must be between ${min} and ${max}, got ${node.value}`);
      return undefined;
    }
    this.error(node, `"${name}" must be a whole number, got ${describe(node)}`);
    return undefined;
  }

  number(node: AnyNode, name: string, min: number): number | undefined {
    if (isNull(node)) return undefined;
    if (isScalar(node) && typeof node.value === "number" && Number.isFinite(node.value)) {
      if (node.value >= min) return node.value;
      this.error(node, `"${name}" must be at least ${min}, got ${node.value}`);
      return undefined;
    }
    this.error(node, `"${name}" must be a number, got ${describe(node)}`);
    return undefined;
  }

  url(node: AnyNode, name: string): string | undefined {
    const text = this.string(node, name);
    if (text === undefined) return undefined;
    let protocol = "";
    try {
      protocol = new URL(text).protocol;
    } catch {
      // Reported below.
    }
    if (protocol === "http:" || protocol === "https:") return text;
    this.error(node, `"${name}" must be an http or https URL, got "${text}"`);
    return undefined;
  }

  strings(node: AnyNode, name: string): string[] | undefined {
    const items = this.list(node, name);
    if (!items) return undefined;
    const out: string[] = [];
    items.forEach((item, i) => {
      const text = this.string(item, `${name}[${i}]`);
      if (text !== undefined) out.push(text);
    });
    return out;
  }

  actions(node: AnyNode, name: string): Action[] | undefined {
    const items = this.list(node, name);
    if (!items) return undefined;
    const out: Action[] = [];
    for (const item of items) {
      if (!isScalar(item) || typeof item.value !== "string") {
        this.error(item, `actions must be names like "record", got ${describe(item)}`);
        continue;
      }
      const action = item.value;
      if (!isAction(action)) {
        this.error(item, `unknown action "${action}"${suggestion(action, ACTIONS)}`);
      } else if (!out.includes(action)) {
        out.push(action);
      }
    }
    if (out.includes("deny") && out.length > 1) {
      this.warn(node, `"deny" stops the command, so the other actions in "${name}" never run`);
    }
    return out;
  }

  commands(node: AnyNode, keyNode: AnyNode): CommandConfig[] {
    const items = this.list(node, "process_config.commands") ?? [];
    const out: CommandConfig[] = [];
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const where = `process_config.commands[${index}]`;
      const map = this.mapping(item, where);
      if (!map) {
        if (isNull(item)) this.error(item ?? keyNode, `"${where}" is empty`);
        return;
      }
      const entry: CommandConfig = {
        command: "",
        lints: [],
        rules: [],
        index,
        line: this.position(map).line,
      };
      let named = false;
      for (const [key, value] of this.entries(map, COMMAND_KEYS, where)) {
        if (key === "command") {
          const name = this.string(value, `${where}.command`);
          if (name === undefined) continue;
          named = true;
          if (name === "" || /[\s/]/.test(name)) {
            this.error(
              value,
              `"command" must be an executable name without "/" or spaces, got "${name}" ` +
                `(commands are matched by the executable's basename, e.g. "kubectl")`,
            );
          }
          entry.command = name;
        } else if (key === "lints") {
          (this.list(value, `${where}.lints`) ?? []).forEach((lint, i) => {
            const snippet = this.snippet(lint, `${where}.lints[${i}]`, false);
            if (snippet) entry.lints.push(snippet);
          });
        } else {
          (this.list(value, `${where}.rules`) ?? []).forEach((rule, i) => {
            const parsed = this.rule(rule, `${where}.rules[${i}]`);
            if (parsed) entry.rules.push(parsed);
          });
        }
      }
      if (!named) {
        this.error(map, `"${where}" has no "command" key (the executable it applies to)`);
        return;
      }
      const first = seen.get(entry.command);
      if (first !== undefined) {
        this.warn(
          map,
          `command "${entry.command}" also has entry ${first + 1}; the lints and rules of ` +
            `both entries are used, in file order`,
        );
      } else {
        seen.set(entry.command, index);
      }
      out.push(entry);
    });
    return out;
  }

  rule(node: AnyNode, where: string): RuleConfig | undefined {
    const map = this.mapping(node, where);
    if (!map) {
      if (isNull(node)) this.error(node, `"${where}" is empty`);
      return undefined;
    }
    let snippet: Snippet | undefined;
    let actions: Action[] | undefined;
    let sawRule = false;
    let sawActions = false;
    for (const [key, value] of this.entries(map, RULE_KEYS, where)) {
      if (key === "rule") {
        sawRule = true;
        snippet = this.snippet(value, `${where}.rule`, true);
      } else {
        sawActions = true;
        actions = this.actions(value, `${where}.actions`);
        if (isNull(value)) this.error(value ?? map, `"${where}.actions" must be a list`);
      }
    }
    if (!sawRule) this.error(map, `"${where}" has no "rule" key (a Lua snippet or true)`);
    if (!sawActions) {
      this.error(
        map,
        `"${where}" has no "actions" key (use "actions: []" to only run the command)`,
      );
    }
    return snippet && actions ? { rule: snippet, actions } : undefined;
  }

  snippet(node: AnyNode, name: string, allowBoolean: boolean): Snippet | undefined {
    if (allowBoolean && isScalar(node) && typeof node.value === "boolean") {
      return { source: String(node.value), ...this.position(node), linesMatchFile: false };
    }
    if (!isScalar(node) || typeof node.value !== "string") {
      const what = allowBoolean
        ? "a Lua snippet (a string) or true/false"
        : "a Lua snippet (a string)";
      this.error(node, `"${name}" must be ${what}, got ${describe(node)}`);
      return undefined;
    }
    if (node.value.includes("\0")) {
      this.error(node, `"${name}" contains a NUL character`);
      return undefined;
    }
    const { line, column } = this.position(node);
    if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
      // The content starts on the line after the `|` header, at the block's indentation.
      const body = this.blockStart(node.range?.[0] ?? 0);
      return {
        source: node.value,
        line: body.line,
        column: body.column,
        linesMatchFile: node.type === "BLOCK_LITERAL",
      };
    }
    const quoted = node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE";
    return {
      source: node.value,
      line,
      column: quoted ? column + 1 : column,
      linesMatchFile: false,
    };
  }

  blockStart(headerOffset: number): { line: number; column: number } {
    const text = this.raw.text;
    let offset = text.indexOf("\n", headerOffset);
    if (offset < 0) return { line: this.raw.lineCounter.linePos(headerOffset).line, column: 1 };
    offset += 1;
    const { line } = this.raw.lineCounter.linePos(offset);
    // Skip leading blank lines to learn the indentation; they still count as snippet lines.
    const rest = text.slice(offset);
    const match = /^(?:[ \t]*\r?\n)*( *)\S/.exec(rest);
    return { line, column: (match?.[1].length ?? 0) + 1 };
  }

  redaction(node: AnyNode): RedactionConfig | undefined {
    const map = this.mapping(node, "redaction");
    if (!map) return undefined;
    const out: RedactionConfig = { enabled: true, disable: [], rules: [], allow: [] };
    for (const [key, value] of this.entries(map, REDACTION_KEYS, "redaction")) {
      const name = `redaction.${key}`;
      if (key === "enabled") out.enabled = this.boolean(value, name) ?? true;
      if (key === "disable") out.disable = this.strings(value, name) ?? [];
      if (key === "allow") {
        const items = this.list(value, name) ?? [];
        items.forEach((item, i) => {
          const source = this.string(item, `${name}[${i}]`);
          if (source !== undefined && this.regex(item, source) !== undefined) {
            out.allow.push(source);
          }
        });
      }
      if (key === "rules") {
        const ids = new Set<string>();
        (this.list(value, name) ?? []).forEach((item, i) => {
          const rule = this.redactionRule(item, `${name}[${i}]`);
          if (!rule) return;
          if (ids.has(rule.id)) this.error(item, `redaction rule id "${rule.id}" is used twice`);
          ids.add(rule.id);
          out.rules.push(rule);
        });
      }
    }
    return out;
  }

  redactionRule(node: AnyNode, where: string): CustomRedactionRule | undefined {
    const map = this.mapping(node, where);
    if (!map) return undefined;
    const rule: Partial<CustomRedactionRule> = {};
    let regexNode: AnyNode = null;
    let groupNode: AnyNode = null;
    for (const [key, value] of this.entries(map, REDACTION_RULE_KEYS, where)) {
      const name = `${where}.${key}`;
      if (key === "id") rule.id = this.string(value, name);
      if (key === "regex") {
        rule.regex = this.string(value, name);
        regexNode = value;
      }
      if (key === "keywords") rule.keywords = this.strings(value, name);
      if (key === "min_entropy") rule.minEntropy = this.number(value, name, 0);
      if (key === "secret_group") {
        rule.secretGroup = this.integer(value, name, 0, 99);
        groupNode = value;
      }
    }
    if (!rule.id) this.error(map, `"${where}" needs an "id" (a non-empty string)`);
    if (rule.regex === undefined) {
      this.error(map, `"${where}" needs a "regex"`);
      return undefined;
    }
    const groups = this.regex(regexNode, rule.regex);
    if (groups === undefined || !rule.id) return undefined;
    if (rule.secretGroup !== undefined && rule.secretGroup > groups) {
      this.error(
        groupNode,
        `"${where}.secret_group" is ${rule.secretGroup} but the regex has ${groups} capture groups`,
      );
      return undefined;
    }
    const out: CustomRedactionRule = { id: rule.id, regex: rule.regex };
    if (rule.keywords !== undefined) out.keywords = rule.keywords;
    if (rule.minEntropy !== undefined) out.minEntropy = rule.minEntropy;
    if (rule.secretGroup !== undefined) out.secretGroup = rule.secretGroup;
    return out;
  }

  /** Number of capture groups, or undefined (and an error) when the regex does not compile. */
  regex(node: AnyNode, source: string): number | undefined {
    try {
      // An empty alternative always matches, which reveals the group count.
      return (new RegExp(`${source}|`).exec("")?.length ?? 1) - 1;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      this.error(node, `invalid regular expression "${source}": ${why}`);
      return undefined;
    }
  }

  checkLua(commands: CommandConfig[], check: LuaSyntaxCheck): void {
    for (const entry of commands) {
      const label = `command "${entry.command}"`;
      entry.lints.forEach((lint, i) => this.checkSnippet(lint, `lint ${i + 1} of ${label}`, check));
      entry.rules.forEach((rule, i) =>
        this.checkSnippet(rule.rule, `rule ${i + 1} of ${label}`, check)
      );
    }
  }

  checkSnippet(snippet: Snippet, label: string, check: LuaSyntaxCheck): void {
    const error = check(snippet.source);
    if (!error) return;
    const at = snippetPosition(snippet, error.line);
    this.problems.push({ ...at, message: `Lua syntax error in ${label}: ${error.message}` });
  }
}

function isNull(node: AnyNode): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

function describe(node: AnyNode): string {
  if (isNull(node)) return "nothing";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === "string") return `the string "${value}"`;
    if (typeof value === "number") return `the number ${value}`;
    if (typeof value === "boolean") return String(value);
  }
  return "an unsupported value";
}

function lowerFirst(text: string): string {
  return text.length > 0 ? text[0].toLowerCase() + text.slice(1) : text;
}
