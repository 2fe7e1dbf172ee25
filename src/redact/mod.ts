/**
 * Streaming redaction of terminal output, typed input and metadata.
 *
 * @example
 * ```ts
 * import { createRedactor } from "./mod.ts";
 * const r = createRedactor();
 * const a = r.push(new TextEncoder().encode("export GITHUB_TOKEN=ghp_"));
 * const b = r.flush(); // a.output + b.output: the token masked, same width
 * ```
 */
import { DEFAULT_REDACTION_CONFIG, type RedactionConfig } from "../core/redaction_config.ts";
import { fnv1a, readCacheFile, writeCacheFile } from "../core/cache_file.ts";
import { mark } from "../core/startup_marks.ts";
import { VERSION } from "../core/version.ts";
import { Engine, type EngineTables } from "./engine.ts";
import { PassThrough, type Redactor, StreamRedactor } from "./stream.ts";

export { listRules, RedactionConfigError } from "./engine.ts";
export type { Finding, Redactor, RedactResult } from "./stream.ts";
export { MAX_LINE, MAX_WORD, QUIET_MS, WORD_QUIET_MS } from "./stream.ts";

const engines = new Map<string, Engine>();
let tableCacheDir: string | undefined;

/**
 * Keeps the engine's derived tables (keyword maps, the scanner's gram table) in `dir`, so a
 * later process with the same rules skips building them. Off until called (the CLI does).
 */
export function cacheTablesIn(dir: string | undefined): void {
  tableCacheDir = dir;
}

/** One compiled rule set per distinct config (compiling is the expensive part). */
function engineFor(config: RedactionConfig): Engine {
  const key = JSON.stringify([config.disable, config.rules, config.allow]);
  let e = engines.get(key);
  if (!e) {
    e = tableCacheDir === undefined ? new Engine(config) : cachedEngine(config, tableCacheDir, key);
    if (engines.size > 8) engines.clear();
    engines.set(key, e);
  }
  return e;
}

/**
 * An Engine built with the tables cached under `dir` (by version and config), which are
 * written there when missing or stale. Cache trouble only costs the time it was meant to save.
 */
function cachedEngine(config: RedactionConfig, dir: string, key: string): Engine {
  const file = `${dir}/redact-tables-${VERSION}-${fnv1a(key)}.json`;
  const cached = (readCacheFile(file) ?? null) as EngineTables | null;
  mark("redact: tables read");
  const engine = new Engine(config, cached);
  mark("redact: engine built");
  if (!engine.tablesCached) writeCacheFile(file, engine.tables());
  return engine;
}

/**
 * A fresh redactor for one stream. Throws RedactionConfigError for a custom rule whose regex
 * does not compile or matches the empty string.
 */
export function createRedactor(
  config: RedactionConfig = DEFAULT_REDACTION_CONFIG,
  options: { clock?: () => number; borrowOutput?: boolean } = {},
): Redactor {
  const engine = engineFor(config);
  if (!config.enabled) return new PassThrough();
  return new StreamRedactor(
    engine,
    options.clock ?? (() => Date.now()),
    0,
    options.borrowOutput ?? false,
  );
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Redacts a whole string at once (command lines, titles, argv) with the same rules. */
export function redactString(
  text: string,
  config: RedactionConfig = DEFAULT_REDACTION_CONFIG,
): string {
  const r = createRedactor(config);
  const a = r.push(encoder.encode(text));
  const b = r.flush();
  if (a.findings.length === 0 && b.findings.length === 0) return text;
  const out = new Uint8Array(a.output.length + b.output.length);
  out.set(a.output);
  out.set(b.output, a.output.length);
  return decoder.decode(out);
}

/** Redacts one byte string whole; the findings carry offsets into it (for --explain). */
export function redactBytes(
  bytes: Uint8Array,
  config: RedactionConfig = DEFAULT_REDACTION_CONFIG,
): { output: Uint8Array; findings: import("./stream.ts").Finding[] } {
  const r = createRedactor(config);
  const a = r.push(bytes);
  const b = r.flush();
  const out = new Uint8Array(a.output.length + b.output.length);
  out.set(a.output);
  out.set(b.output, a.output.length);
  return { output: out, findings: [...a.findings, ...b.findings] };
}
