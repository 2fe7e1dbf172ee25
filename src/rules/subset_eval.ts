/**
 * Decides a lint or rule without loading Lua when the snippet is in the subset that
 * subset_syntax.ts parses, with the outcome the Lua sandbox (prelude_lua.ts) would give.
 * Anything else, including every runtime error, is `undefined`: Lua decides (and reports).
 */
import type { LuaGlobals } from "./globals.ts";
import { PatternError } from "./subset_patterns.ts";
import {
  allocate,
  type Allocation,
  byteLength,
  LuaRef,
  type LuaValue,
  STRING_FUNCTIONS,
  type StringContext,
  stringLess,
  toText,
  truthy,
  typeName,
} from "./subset_strings.ts";
import {
  type Chunk,
  type Expr,
  isWellFormed,
  parseSnippet,
  type Stat,
  UNSUPPORTED,
  Unsupported,
} from "./subset_syntax.ts";

export type SubsetOutcome =
  | { status: "none" }
  | { status: "lint"; message: string }
  | { status: "nomatch" }
  | { status: "match"; userMessage: string | undefined; approverMessage: string | undefined };

/** The globals a snippet sees, checked once per command. */
export interface SubsetEnvironment {
  globals: LuaGlobals;
  /** The guard's limit for one pattern call (DEFAULT_LUA_LIMITS.patternSteps). */
  patternSteps: number;
}

/**
 * The environment for `globals`, or undefined when the subset cannot stand in for Lua: a
 * string that is not valid UTF-16 reaches Lua as different bytes.
 */
export function subsetEnvironment(
  globals: LuaGlobals,
  patternSteps: number,
): SubsetEnvironment | undefined {
  const texts = [
    globals.executable,
    globals.user,
    globals.hostname,
    globals.cwd,
    globals.k8s_current_context ?? "",
    globals.k8s_context ?? "",
    globals.k8s_namespace ?? "",
    ...globals.args,
  ];
  for (const table of [globals.flags, globals.short_flags, globals.env]) {
    for (const key in table) {
      const value = table[key];
      texts.push(key);
      if (typeof value === "string") texts.push(value);
      else if (value !== true) return undefined;
    }
  }
  // One scan; the separator keeps halves of different strings from forming a pair.
  return isWellFormed(texts.join("\n")) ? { globals, patternSteps } : undefined;
}

const ARGS = new LuaRef("table", "args");
const FLAGS = new LuaRef("table", "flags");
const SHORT_FLAGS = new LuaRef("table", "short_flags");
const ENV = new LuaRef("table", "env");
const STRING = new LuaRef("table", "string");
const HAS_ARG = new LuaRef("function", "has_arg");
const TOSTRING = new LuaRef("function", "tostring");
const TYPE = new LuaRef("function", "type");
const STRING_REFS = new Map(
  [...STRING_FUNCTIONS.keys()].map((name) => [name, new LuaRef("function", name)]),
);

/** Every name of the sandbox's BASE table (prelude_lua.ts) and `_G`: others read as nil. */
const SANDBOX_NAMES = new Set([
  "_G",
  "_VERSION",
  "assert",
  "error",
  "ipairs",
  "next",
  "pairs",
  "rawequal",
  "rawget",
  "rawlen",
  "select",
  "getmetatable",
  "setmetatable",
  "tonumber",
  "tostring",
  "type",
  "pcall",
  "xpcall",
  "string",
  "table",
  "math",
  "utf8",
  "executable",
  "args",
  "flags",
  "short_flags",
  "env",
  "user",
  "hostname",
  "cwd",
  "is_interactive",
  "k8s_current_context",
  "k8s_context",
  "k8s_namespace",
  "has_arg",
]);

class Run implements StringContext {
  readonly slots: LuaValue[];
  readonly allocation: Allocation = { bytes: 0 };
  readonly patternSteps: number;
  private readonly g: LuaGlobals;

  constructor(env: SubsetEnvironment, chunk: Chunk) {
    this.g = env.globals;
    this.patternSteps = env.patternSteps;
    this.slots = new Array(chunk.slots).fill(undefined);
  }

  /** The values of a `return`, or undefined when the block ends without one. */
  block(body: Stat[]): LuaValue[] | undefined {
    for (const stat of body) {
      if (stat.k === "return") return this.list(stat.values);
      if (stat.k === "local") {
        const values = this.list(stat.values);
        stat.slots.forEach((slot, i) => this.slots[slot] = values[i]);
        continue;
      }
      let chosen = stat.orelse;
      for (const test of stat.tests) {
        if (truthy(this.value(test.cond))) {
          chosen = test.body;
          break;
        }
      }
      const result = this.block(chosen);
      if (result) return result;
    }
    return undefined;
  }

  /** An expression list: every value of a final call, one value of the others. */
  private list(exprs: Expr[]): LuaValue[] {
    const out: LuaValue[] = [];
    for (let i = 0; i < exprs.length - 1; i++) out.push(this.value(exprs[i]));
    if (exprs.length > 0) out.push(...this.values(exprs[exprs.length - 1]));
    return out;
  }

  private values(e: Expr): LuaValue[] {
    if (e.k === "call") {
      const fn = this.value(e.fn);
      return this.call(fn, this.list(e.args));
    }
    if (e.k === "method") {
      const self = this.value(e.obj);
      // Only strings have methods here (their metatable's __index is the string library).
      if (typeof self !== "string") throw UNSUPPORTED;
      const fn = STRING_REFS.get(e.name);
      if (!fn) throw UNSUPPORTED;
      return this.call(fn, [self, ...this.list(e.args)]);
    }
    return [this.value(e)];
  }

  private value(e: Expr): LuaValue {
    switch (e.k) {
      case "const":
        return e.v;
      case "local":
        return this.slots[e.slot];
      case "global":
        return this.global(e.name);
      case "index":
        return this.index(this.value(e.obj), this.value(e.key));
      case "call":
      case "method":
        return this.values(e)[0];
      case "paren":
        return this.value(e.e);
      case "not":
        return !truthy(this.value(e.e));
      case "len":
        return this.length(this.value(e.e));
      case "neg": {
        const v = this.value(e.e);
        if (typeof v !== "number") throw UNSUPPORTED; // strings convert: left to Lua
        return 0 - v;
      }
      case "and": {
        const a = this.value(e.a);
        return truthy(a) ? this.value(e.b) : a;
      }
      case "or": {
        const a = this.value(e.a);
        return truthy(a) ? a : this.value(e.b);
      }
      case "==":
        return equal(this.value(e.a), this.value(e.b));
      case "~=":
        return !equal(this.value(e.a), this.value(e.b));
      case "<":
        return less(this.value(e.a), this.value(e.b), false);
      case "<=":
        return less(this.value(e.a), this.value(e.b), true);
      case ">": {
        const a = this.value(e.a);
        return less(this.value(e.b), a, false);
      }
      case ">=": {
        const a = this.value(e.a);
        return less(this.value(e.b), a, true);
      }
      case "concat": {
        const a = this.value(e.a);
        const b = this.value(e.b);
        return allocate(this.allocation, concatText(a) + concatText(b));
      }
    }
  }

  private global(name: string): LuaValue {
    const g = this.g;
    switch (name) {
      case "executable":
        return g.executable;
      case "args":
        return ARGS;
      case "flags":
        return FLAGS;
      case "short_flags":
        return SHORT_FLAGS;
      case "env":
        return ENV;
      case "user":
        return g.user;
      case "hostname":
        return g.hostname;
      case "cwd":
        return g.cwd;
      case "is_interactive":
        return g.is_interactive;
      case "k8s_current_context":
        return g.k8s_current_context;
      case "k8s_context":
        return g.k8s_context;
      case "k8s_namespace":
        return g.k8s_namespace;
      case "has_arg":
        return HAS_ARG;
      case "tostring":
        return TOSTRING;
      case "type":
        return TYPE;
      case "string":
        return STRING;
    }
    if (SANDBOX_NAMES.has(name)) throw UNSUPPORTED;
    return undefined;
  }

  private index(obj: LuaValue, key: LuaValue): LuaValue {
    switch (obj) {
      case ARGS:
        return typeof key === "number" && key >= 1 && key <= this.g.args.length
          ? this.g.args[key - 1]
          : undefined;
      case FLAGS:
        return field(this.g.flags, key);
      case SHORT_FLAGS:
        return field(this.g.short_flags, key);
      case ENV:
        return field(this.g.env, key);
      case STRING: {
        const fn = typeof key === "string" ? STRING_REFS.get(key) : undefined;
        if (!fn) throw UNSUPPORTED;
        return fn;
      }
    }
    throw UNSUPPORTED; // indexing a string, nil, a boolean, a number or another table
  }

  private length(v: LuaValue): number {
    if (typeof v === "string") return byteLength(v);
    if (v === ARGS) return this.g.args.length;
    // Their Lua tables have string keys only, so the border is 0.
    if (v === FLAGS || v === SHORT_FLAGS || v === ENV) return 0;
    throw UNSUPPORTED;
  }

  private call(fn: LuaValue, args: LuaValue[]): LuaValue[] {
    if (!(fn instanceof LuaRef) || fn.type !== "function") throw UNSUPPORTED;
    switch (fn) {
      case HAS_ARG: {
        const wanted = args[0];
        return [typeof wanted === "string" && this.g.args.includes(wanted)];
      }
      case TOSTRING:
        if (args.length === 0) throw UNSUPPORTED; // bad argument: value expected
        return [toText(args[0])];
      case TYPE:
        if (args.length === 0) throw UNSUPPORTED;
        return [typeName(args[0])];
    }
    return STRING_FUNCTIONS.get(fn.name)!(args, this);
  }
}

function field(table: Record<string, string | true>, key: LuaValue): LuaValue {
  return typeof key === "string" && Object.hasOwn(table, key) ? table[key] : undefined;
}

function equal(a: LuaValue, b: LuaValue): boolean {
  // Two tables or functions: identity, which is not modelled.
  if (a instanceof LuaRef && b instanceof LuaRef) throw UNSUPPORTED;
  return a === b;
}

function less(a: LuaValue, b: LuaValue, orEqual: boolean): boolean {
  if (typeof a === "number" && typeof b === "number") return orEqual ? a <= b : a < b;
  if (typeof a === "string" && typeof b === "string") {
    return orEqual ? !stringLess(b, a) : stringLess(a, b);
  }
  throw UNSUPPORTED; // Lua raises "attempt to compare"
}

function concatText(v: LuaValue): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  throw UNSUPPORTED; // "attempt to concatenate"
}

/** as_message of prelude_lua.ts; wasmoon reads strings up to the first NUL, so none here. */
function message(v: LuaValue): string | undefined {
  if (v === undefined || v === false) return undefined;
  if (typeof v === "number") return String(v);
  if (typeof v === "string" && !v.includes("\0")) return v;
  throw UNSUPPORTED;
}

/**
 * The outcome of one lint or rule, or undefined when Lua must decide. Cheap: the snippet is
 * tokenized, parsed and run once, in time linear in its size.
 */
export function evaluateInSubset(
  source: string,
  kind: "lint" | "rule",
  env: SubsetEnvironment,
): SubsetOutcome | undefined {
  const chunk = parseSnippet(source);
  if (!chunk) return undefined;
  try {
    const values = new Run(env, chunk).block(chunk.body) ?? [];
    if (kind === "lint") {
      const text = message(values[0]);
      return text === undefined ? { status: "none" } : { status: "lint", message: text };
    }
    if (!truthy(values[0])) return { status: "nomatch" };
    return {
      status: "match",
      userMessage: message(values[1]),
      approverMessage: message(values[2]),
    };
  } catch (error) {
    if (error instanceof Unsupported || error instanceof PatternError) return undefined;
    throw error;
  }
}
