// The only module that imports wasmoon. Import it lazily (`await import(...)`): loading
// wasmoon costs about 20 ms and its first engine about 15 ms more.
import { type LuaEngine, LuaFactory, LuaLibraries } from "wasmoon";
import type { LuaSyntaxCheck, LuaSyntaxError } from "../config/mod.ts";
import type { LuaGlobals } from "./globals.ts";
import { luaLiteral } from "./lua_literal.ts";
import { PRELUDE_LUA } from "./prelude_lua.ts";

export interface LuaLimits {
  /** Bytes snippets may allocate on top of the sandbox itself. */
  memoryBytes: number;
  /** Upper bound of estimated matcher steps for one string pattern call. */
  patternSteps: number;
  /** Largest table table.sort accepts. */
  sortMax: number;
}

export const DEFAULT_LUA_LIMITS: LuaLimits = {
  memoryBytes: 8 * 1024 * 1024,
  // About 20 ms of Lua's C matcher here (it does roughly 2e8 steps per second).
  patternSteps: 4_000_000,
  sortMax: 100_000,
};

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

let factory: LuaFactory | undefined;

/** Shares the compiled WebAssembly module between sessions of this process. */
function getFactory(wasmPath?: string): LuaFactory {
  factory ??= new LuaFactory(wasmPath);
  return factory;
}

export async function openLuaSession(
  globals: LuaGlobals,
  limits: LuaLimits = DEFAULT_LUA_LIMITS,
  wasmPath?: string,
): Promise<LuaSession> {
  const engine = await getFactory(wasmPath).createEngine({
    openStandardLibs: false,
    injectObjects: false,
    enableProxy: false,
    traceAllocations: true,
  });
  try {
    loadSafeLibraries(engine);
    const data = luaLiteral({
      globals: { ...globals },
      pattern_steps: limits.patternSteps,
      sort_max: limits.sortMax,
    });
    engine.doStringSync(`local DATA = ${data}\n${PRELUDE_LUA}`);
    const lua = engine.global;
    lua.setMemoryMax(lua.getMemoryUsed() + limits.memoryBytes);
    return new WasmoonSession(engine);
  } catch (error) {
    engine.global.close();
    throw error;
  }
}

function loadSafeLibraries(engine: LuaEngine): void {
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
