/**
 * Values of the Lua subset and the string functions it implements, with Lua's byte
 * semantics. Strings are JS strings that are valid UTF-16, so they map one to one onto the
 * UTF-8 bytes Lua holds; anything that would produce other bytes is Unsupported.
 */
import { guardedFind } from "./subset_patterns.ts";
import { UNSUPPORTED } from "./subset_syntax.ts";

/** A table or function of the sandbox, by name (identity is not compared). */
export class LuaRef {
  constructor(readonly type: "table" | "function", readonly name: string) {}
}

/** nil, boolean, integer (a safe JS integer), string, or a sandbox table or function. */
export type LuaValue = undefined | boolean | number | string | LuaRef;

export function truthy(v: LuaValue): boolean {
  return v !== undefined && v !== false;
}

export function typeName(v: LuaValue): string {
  if (v === undefined) return "nil";
  if (v instanceof LuaRef) return v.type;
  return typeof v; // boolean, number, string
}

/** Lua's tostring / luaL_tolstring for the values whose text is known. */
export function toText(v: LuaValue): string {
  if (v === undefined) return "nil";
  if (typeof v === "string") return v;
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  throw UNSUPPORTED; // "table: 0x…", "function: 0x…"
}

const NON_ASCII = /[\u0080-\uffff]/;
const SURROGATE = /[\uD800-\uDFFF]/;
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Length in UTF-8 bytes (Lua's #s). */
export function byteLength(s: string): number {
  if (!NON_ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdfff ? 2 : 3;
  }
  return n;
}

/** The UTF-8 bytes of s as a string of char codes 0–255. */
function toBytes(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  const bytes = encoder.encode(s);
  let out = "";
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
}

/** Back from bytes; a cut UTF-8 sequence has no JS string: Unsupported. */
function fromBytes(b: string): string {
  if (!NON_ASCII.test(b)) return b;
  const bytes = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i++) bytes[i] = b.charCodeAt(i);
  try {
    return decoder.decode(bytes);
  } catch {
    throw UNSUPPORTED;
  }
}

/** a < b as Lua compares strings (strcoll in the C locale: bytes, i.e. code points). */
export function stringLess(a: string, b: string): boolean {
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return x[i].codePointAt(0)! < y[i].codePointAt(0)!;
  }
  return x.length < y.length;
}

/** Counts the bytes strings take, so that Lua's memory limit cannot be what decides. */
export interface Allocation {
  bytes: number;
}
const MAX_ALLOCATION = 1 << 20;

export function allocate(budget: Allocation, s: string): string {
  budget.bytes += s.length * 3 + 24;
  if (budget.bytes > MAX_ALLOCATION) throw UNSUPPORTED;
  return s;
}

function checkString(v: LuaValue): string {
  // Lua would also accept numbers (converted); that conversion is left to Lua.
  if (typeof v !== "string") throw UNSUPPORTED;
  return v;
}

function checkInteger(v: LuaValue): number {
  if (typeof v !== "number") throw UNSUPPORTED;
  return v;
}

function optInteger(v: LuaValue, def: number): number {
  return v === undefined ? def : checkInteger(v);
}

export interface StringContext {
  allocation: Allocation;
  patternSteps: number;
}

type StringFunction = (args: LuaValue[], ctx: StringContext) => LuaValue[];

function asciiCase(s: string, upper: boolean): string {
  // C's toupper/tolower in the C locale change ASCII letters only.
  return upper
    ? s.replace(/[a-z]+/g, (m) => m.toUpperCase())
    : s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

function sub(args: LuaValue[], ctx: StringContext): LuaValue[] {
  const s = checkString(args[0]);
  const bytes = toBytes(s);
  const l = bytes.length;
  let start = checkInteger(args[1]);
  let end = optInteger(args[2], -1);
  // posrelatI and getendpos of lstrlib.c
  if (start <= 0) start = start === 0 || start < -l ? 1 : l + start + 1;
  if (end > l) end = l;
  else if (end < 0) end = end < -l ? 0 : l + end + 1;
  const out = start <= end ? fromBytes(bytes.slice(start - 1, end)) : "";
  return [allocate(ctx.allocation, out)];
}

function findOrMatch(args: LuaValue[], ctx: StringContext, find: boolean): LuaValue[] {
  const s = checkString(args[0]);
  const p = checkString(args[1]);
  const init = args[2] === undefined ? undefined : checkInteger(args[2]);
  const plain = find && truthy(args[3]);
  const results = guardedFind(toBytes(s), toBytes(p), init, plain, find, ctx.patternSteps);
  return results.map((r) => typeof r === "string" ? allocate(ctx.allocation, fromBytes(r)) : r);
}

/** string.format with %s, %d (integers) and %%; other conversions and flags: Unsupported. */
function format(args: LuaValue[], ctx: StringContext): LuaValue[] {
  const fmt = checkString(args[0]);
  let out = "";
  let arg = 0;
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf("%", i);
    if (pct === -1) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    const conversion = fmt[pct + 1];
    i = pct + 2;
    if (conversion === "%") {
      out += "%";
      continue;
    }
    if (++arg >= args.length) throw UNSUPPORTED; // bad argument: no value
    if (conversion === "s") out += toText(args[arg]);
    else if (conversion === "d") out += String(checkInteger(args[arg]));
    else throw UNSUPPORTED;
    if (out.length > MAX_ALLOCATION) throw UNSUPPORTED;
  }
  return [allocate(ctx.allocation, out)];
}

/** The string library functions implemented here, by name. */
export const STRING_FUNCTIONS: ReadonlyMap<string, StringFunction> = new Map<
  string,
  StringFunction
>([
  ["lower", (a, ctx) => [allocate(ctx.allocation, asciiCase(checkString(a[0]), false))]],
  ["upper", (a, ctx) => [allocate(ctx.allocation, asciiCase(checkString(a[0]), true))]],
  ["len", (a) => [byteLength(checkString(a[0]))]],
  ["sub", sub],
  ["find", (a, ctx) => findOrMatch(a, ctx, true)],
  ["match", (a, ctx) => findOrMatch(a, ctx, false)],
  ["format", format],
]);
