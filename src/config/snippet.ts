import type { ConfigPosition } from "./errors.ts";
import type { Snippet } from "./types.ts";

/** Where line `luaLine` (1-based, as Lua reports it) of a snippet sits in the config file. */
export function snippetPosition(snippet: Snippet, luaLine: number): ConfigPosition {
  const offset = Math.max(0, luaLine - 1);
  if (snippet.linesMatchFile) return { line: snippet.line + offset, column: snippet.column };
  // Folded and quoted scalars do not keep line breaks 1:1: point at the snippet's start.
  return { line: snippet.line, column: snippet.column };
}
