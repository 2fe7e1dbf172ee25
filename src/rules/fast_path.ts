/**
 * Rules simple enough to decide without Lua: `true`, `false` (YAML booleans or text) and
 * `has_arg("literal")`, optionally negated with `not`. Anything else returns undefined and
 * goes to the Lua engine. This keeps wasmoon (about 35 ms to load) off the hot path for
 * entries such as `- rule: true / actions: []`.
 */
export function evaluateSimpleRule(source: string, args: readonly string[]): boolean | undefined {
  const text = source.trim();
  if (text === "true") return true;
  if (text === "false") return false;
  const match = /^(not\s+)?has_arg\s*\(\s*(?:"([^"\\\n]*)"|'([^'\\\n]*)')\s*\)$/.exec(text);
  if (!match) return undefined;
  const wanted = match[2] ?? match[3];
  const found = args.includes(wanted);
  return match[1] ? !found : found;
}
