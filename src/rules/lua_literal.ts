/** A value that can be written as a Lua literal. */
export type LuaData =
  | string
  | number
  | boolean
  | undefined
  | readonly LuaData[]
  | { readonly [key: string]: LuaData };

/** A Lua source literal for `value` (tables for arrays and records, nil for undefined). */
export function luaLiteral(value: LuaData): string {
  if (value === undefined) return "nil";
  if (typeof value === "string") return luaString(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new RangeError(`Cannot write ${value} as a Lua number`);
    return Number.isInteger(value) ? value.toFixed(0) : String(value);
  }
  if (Array.isArray(value)) return `{${value.map((item) => luaLiteral(item)).join(", ")}}`;
  const fields = Object.entries(value as Record<string, LuaData>)
    .filter(([, item]) => item !== undefined)
    .map(([key, item]) => `[${luaString(key)}] = ${luaLiteral(item)}`);
  return `{${fields.join(", ")}}`;
}

/** A double-quoted Lua string; control characters as 3-digit decimal escapes. */
export function luaString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === "\\") out += "\\\\";
    else if (char === '"') out += '\\"';
    else if (char === "\n") out += "\\n";
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString().padStart(3, "0")}`;
    else out += char;
  }
  return out + '"';
}
