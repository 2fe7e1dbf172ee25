// The only module that imports wasmoon, itself loaded lazily (`await import(...)`) by the
// rules. wasmoon is imported here on first use, not statically: in the bundle its code must
// first see the environment set up by `withoutNode`.
import type { LuaEngine, LuaFactory } from "wasmoon";
import type { LuaSyntaxCheck, LuaSyntaxError } from "../config/mod.ts";
import type { LuaGlobals } from "./globals.ts";
import { DEFAULT_LUA_LIMITS, type LuaLimits } from "./lua_limits.ts";
import { luaLiteral } from "./lua_literal.ts";
import { PRELUDE_LUA } from "./prelude_lua.ts";
import { mark } from "../core/startup_marks.ts";

export type SnippetKind = "lint" | "rule";

export type SnippetOutcome =
  | { status: "none" }
  | { status: "lint"; message: string }
  | { status: "nomatch" }
  | { status: "match"; userMessage?: string; approverMessage?: string }
  | { status: "error"; message: string; line?: number }
  | { status: "timeout" }
  | { status: "memory" };

/** One Lua state holding one command's globals and compiled snippets. Close it when done. */
export interface LuaSession {
  compile(id: number, source: string): LuaSyntaxError | undefined;
  /** Sets the absolute deadline (Date.now() based) for everything run afterwards. */
  setDeadline(deadlineMs: number): void;
  run(id: number, kind: SnippetKind): SnippetOutcome;
  close(): void;
}

type Wasmoon = typeof import("wasmoon");

let loaded: Promise<{ wasmoon: Wasmoon; factory: LuaFactory }> | undefined;

/** Loads wasmoon and its WebAssembly module once, shared by the sessions of this process. */
function loadWasmoon(wasmPath?: string): Promise<{ wasmoon: Wasmoon; factory: LuaFactory }> {
  loaded ??= (BUNDLED && wasmPath !== undefined ? loadBundled(wasmPath) : loadFromPackage(wasmPath))
    .catch((error) => {
      loaded = undefined;
      throw error;
    });
  return loaded;
}

async function importWasmoon(): Promise<Wasmoon> {
  const module: Wasmoon & { default?: Wasmoon } = await import("wasmoon");
  // The bundle turns the CommonJS package into a chunk with only a default export.
  return typeof module.LuaFactory === "function" ? module : module.default ?? module;
}

/** True in the installed bundle (an ES module chunk), false when run from the sources. */
const BUNDLED = import.meta.url.endsWith(".js");

async function loadFromPackage(wasmPath?: string) {
  const wasmoon = await importWasmoon();
  const factory = new wasmoon.LuaFactory(wasmPath);
  await factory.getLuaModule();
  mark("lua: wasmoon loaded");
  return { wasmoon, factory };
}

/**
 * In the bundle, wasmoon's Emscripten glue would take Deno for Node (it sees `process`) and
 * load Deno's Node compatibility layer (node:module, fs, path, url: about 20 ms) just to read
 * glue.wasm. Instead it is made to start in its web worker mode, which needs none of that,
 * and its one fetch (of glue.wasm) is answered from the bytes read here: Deno's own fetch and
 * Response cost about 7 ms more to start than compiling the module does.
 */
async function loadBundled(wasmPath: string) {
  const bytes = await Deno.readFile(wasmPath);
  mark("lua: wasm read");
  return await withoutNode(bytes, async () => {
    const wasmoon = await importWasmoon();
    mark("lua: wasmoon imported");
    const factory = new wasmoon.LuaFactory(GLUE_URL);
    await factory.getLuaModule();
    mark("lua: wasmoon loaded (worker mode)");
    return { wasmoon, factory };
  });
}

/** What the glue is told glue.wasm is at, answered by the stand-in fetch of `withoutNode`. */
const GLUE_URL = "ddcoterm-bundled:glue.wasm";

/**
 * Runs `fn` with the globals the glue uses to pick its environment set for a web worker:
 * `process` hidden, `importScripts` and `location` defined, a `fetch` that only serves
 * GLUE_URL and no `WebAssembly.instantiateStreaming` (so the glue compiles the bytes it got).
 * Everything is restored after, also on errors.
 */
async function withoutNode<T>(wasm: Uint8Array, fn: () => Promise<T>): Promise<T> {
  const glueFetch = (url: unknown) =>
    url === GLUE_URL
      ? Promise.resolve({
        ok: true,
        arrayBuffer: () => Promise.resolve(wasm.slice().buffer),
      })
      : Promise.reject(new Error(`unexpected fetch of ${String(url)} while loading Lua`));
  const overrides: [Record<string, unknown>, string, unknown][] = [
    [globalThis as Record<string, unknown>, "process", undefined],
    [globalThis as Record<string, unknown>, "importScripts", () => {}],
    [globalThis as Record<string, unknown>, "location", { href: import.meta.url }],
    [globalThis as Record<string, unknown>, "fetch", glueFetch],
    [WebAssembly as unknown as Record<string, unknown>, "instantiateStreaming", undefined],
  ];
  const saved = overrides.map(([target, name]) => Object.getOwnPropertyDescriptor(target, name));
  for (const [target, name, value] of overrides) {
    Object.defineProperty(target, name, { value, configurable: true, writable: true });
  }
  try {
    return await fn();
  } finally {
    overrides.forEach(([target, name], i) => {
      const descriptor = saved[i];
      if (descriptor) Object.defineProperty(target, name, descriptor);
      else delete target[name];
    });
  }
}

export async function openLuaSession(
  globals: LuaGlobals,
  limits: LuaLimits = DEFAULT_LUA_LIMITS,
  wasmPath?: string,
): Promise<LuaSession> {
  const { wasmoon, factory } = await loadWasmoon(wasmPath);
  const engine = await factory.createEngine({
    openStandardLibs: false,
    injectObjects: false,
    enableProxy: false,
    traceAllocations: true,
  });
  mark("lua: engine created");
  try {
    loadSafeLibraries(engine, wasmoon.LuaLibraries);
    mark("lua: libraries loaded");
    const data = luaLiteral({
      globals: { ...globals },
      pattern_steps: limits.patternSteps,
      sort_max: limits.sortMax,
    });
    mark("lua: data literal built");
    engine.doStringSync(`local DATA = ${data}\n${PRELUDE_LUA}`);
    mark("lua: prelude run");
    const lua = engine.global;
    lua.setMemoryMax(lua.getMemoryUsed() + limits.memoryBytes);
    return new WasmoonSession(engine);
  } catch (error) {
    engine.global.close();
    throw error;
  }
}

function loadSafeLibraries(engine: LuaEngine, LuaLibraries: Wasmoon["LuaLibraries"]): void {
  const lua = engine.global;
  lua.loadLibrary(LuaLibraries.Base);
  lua.loadLibrary(LuaLibraries.String);
  lua.loadLibrary(LuaLibraries.Table);
  lua.loadLibrary(LuaLibraries.Math);
  // wasmoon 1.16's loadLibrary(UTF8) opens the string library instead: open utf8 directly.
  lua.lua.luaopen_utf8(lua.address);
  lua.lua.lua_setglobal(lua.address, "utf8");
  // Base functions that read files, load code or reach the host's stdio.
  for (const name of ["dofile", "loadfile", "print", "warn", "collectgarbage", "rawset"]) {
    lua.set(name, undefined);
  }
}

class WasmoonSession implements LuaSession {
  constructor(private engine: LuaEngine) {}

  compile(id: number, source: string): LuaSyntaxError | undefined {
    const [message] = this.call("__ddcoterm_compile", id, source);
    if (typeof message !== "string") return undefined;
    const { line, text } = splitLocation(message);
    return { line: line ?? 1, message: text };
  }

  setDeadline(deadlineMs: number): void {
    // wasmoon's hook keeps the first deadline it was given: clear it so a new one is used.
    this.engine.global.setTimeout(undefined);
    this.engine.global.setTimeout(deadlineMs);
  }

  run(id: number, kind: SnippetKind): SnippetOutcome {
    let values: unknown[];
    try {
      values = this.call("__ddcoterm_run", id, kind);
    } catch (error) {
      // The hook fired again after the snippet's own error handling: past the deadline.
      const timedOut = this.engine.global.getTimeout() !== undefined &&
        Date.now() > (this.engine.global.getTimeout() ?? Infinity);
      if (timedOut) return { status: "timeout" };
      const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
      return text.includes("not enough memory")
        ? { status: "memory" }
        : { status: "error", message: text };
    }
    const [status, first, second] = values;
    const text = (value: unknown) => typeof value === "string" ? value : undefined;
    switch (status) {
      case "none":
      case "nomatch":
      case "timeout":
      case "memory":
        return { status };
      case "lint":
        return { status, message: text(first) ?? "" };
      case "match":
        return { status, userMessage: text(first), approverMessage: text(second) };
      default: {
        const { line, text: message } = splitLocation(text(first) ?? "unknown error");
        return { status: "error", message, line };
      }
    }
  }

  close(): void {
    this.engine.global.close();
  }

  /** Calls a global Lua function in protected mode and returns all its results. */
  private call(name: string, ...args: (string | number)[]): unknown[] {
    const lua = this.engine.global;
    lua.setTop(0);
    lua.lua.lua_getglobal(lua.address, name);
    for (const arg of args) lua.pushValue(arg);
    try {
      return [...lua.runSync(args.length)];
    } finally {
      lua.setTop(0);
    }
  }
}

/** `snippet:3: msg` → line 3 and `msg` (the chunk name set in the prelude). */
function splitLocation(message: string): { line?: number; text: string } {
  const match = /^snippet:(\d+): ([\s\S]*)$/.exec(message);
  return match ? { line: Number(match[1]), text: match[2] } : { text: message };
}

/** A syntax checker for config loading: compiles each snippet in one shared sandbox. */
export async function createLuaSyntaxChecker(wasmPath?: string): Promise<LuaSyntaxCheck> {
  const session = await openLuaSession(EMPTY_GLOBALS, DEFAULT_LUA_LIMITS, wasmPath);
  // Compiled functions are kept under one id and replaced each time; nothing is run.
  return (source) => session.compile(0, source);
}

const EMPTY_GLOBALS: LuaGlobals = {
  executable: "",
  args: [],
  flags: {},
  short_flags: {},
  env: {},
  user: "",
  hostname: "",
  cwd: "",
  is_interactive: false,
};
