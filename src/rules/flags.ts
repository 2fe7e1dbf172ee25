/** `--key value`, `--key=value` → "value"; a `--key` with no value → true. */
export type FlagTable = Record<string, string | true>;

export interface ParsedFlags {
  /** Double-dash options by name, dashes kept: `--dry-run=client` → `flags["dry-run"]`. */
  flags: FlagTable;
  /** Single-dash options by full name: `-n ns` → n, `-auto-approve` → "auto-approve". */
  shortFlags: FlagTable;
}

/**
 * Reads options out of raw arguments the way CoTerm's `flags` global does. Without knowing
 * each tool's options, a `--key` followed by a non-option token takes it as its value; a
 * later repeat wins; parsing stops at `--`. A lone `-` is a value (stdin), not an option.
 */
export function parseFlags(args: readonly string[]): ParsedFlags {
  const flags: FlagTable = Object.create(null);
  const shortFlags: FlagTable = Object.create(null);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (!isOption(arg)) continue;
    const long = arg.startsWith("--");
    const body = arg.slice(long ? 2 : 1);
    const table = long ? flags : shortFlags;
    const eq = body.indexOf("=");
    if (eq > 0) {
      table[body.slice(0, eq)] = body.slice(eq + 1);
      continue;
    }
    const next = args[i + 1];
    if (next !== undefined && next !== "--" && !isOption(next)) {
      table[body] = next;
      i++;
    } else {
      table[body] = true;
    }
  }
  return { flags, shortFlags };
}

function isOption(arg: string): boolean {
  return arg.length > 1 && arg.startsWith("-") && arg !== "--";
}
