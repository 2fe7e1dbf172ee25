import { fnv1a, readCacheFile, writeCacheFile } from "../core/cache_file.ts";
import { ConfigError } from "./errors.ts";
import { defaultConfig } from "./defaults.ts";
import type { ValidatedConfig, ValidateOptions } from "./validate.ts";

export interface LoadOptions extends ValidateOptions {
  /**
   * Keep the validated config in `<path>.cache.json` and reuse it while config.yaml is
   * unchanged (default true). It spares the shim's hot path the yaml import (about 30 ms).
   */
  cache?: boolean;
}

const CACHE_VERSION = 1;

/**
 * Reads and validates config.yaml. A missing file gives the defaults. Lua snippets are only
 * compiled when `options.checkLua` is given (the rules module provides it), so the shim's
 * hot path does not load Lua for commands that have no entry.
 */
export async function loadConfig(
  path: string,
  options: LoadOptions = {},
): Promise<ValidatedConfig> {
  const text = readConfigText(path);
  if (text === undefined) return { config: defaultConfig(path), warnings: [] };
  const useCache = (options.cache ?? true) && !options.checkLua;
  const key = `${CACHE_VERSION}:${path}:${text.length}:${fnv1a(text)}`;
  if (useCache) {
    const cached = readCache(path, key);
    if (cached) return cached;
  }
  const { parseConfigSync } = await import("./parse.ts");
  const result = parseConfigSync(text, path, options);
  if (useCache) writeCacheFile(configCachePath(path), { key, ...result });
  return result;
}

/** Parses and validates config.yaml text (loads the yaml package on first use). */
export async function parseConfig(
  text: string,
  path: string,
  options: ValidateOptions = {},
): Promise<ValidatedConfig> {
  const { parseConfigSync } = await import("./parse.ts");
  return parseConfigSync(text, path, options);
}

/** `$DDCOTERM_HOME/config.yaml`, with `$DDCOTERM_HOME` defaulting to `~/.ddcoterm`. */
export function configPath(env: Record<string, string | undefined>): string {
  const home = env.DDCOTERM_HOME || `${env.HOME ?? ""}/.ddcoterm`;
  return `${home.replace(/\/+$/, "")}/config.yaml`;
}

export function configCachePath(path: string): string {
  return `${path}.cache.json`;
}

// Reads are synchronous: every shimmed command waits for them anyway, and an asynchronous
// read costs an extra turn of the event loop (a missing file, the usual case, twice as much).
function readConfigText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    const why = error instanceof Error ? error.message : String(error);
    throw new ConfigError(path, [{ line: 0, column: 0, message: `cannot read the file: ${why}` }]);
  }
}

function readCache(path: string, key: string): ValidatedConfig | undefined {
  const cached = readCacheFile(configCachePath(path)) as
    | { key?: string; config?: unknown; warnings?: ValidatedConfig["warnings"] }
    | undefined;
  if (cached?.key !== key || typeof cached.config !== "object" || cached.config === null) {
    return undefined; // Missing, damaged or stale: parse again.
  }
  return { config: cached.config as ValidatedConfig["config"], warnings: cached.warnings ?? [] };
}
