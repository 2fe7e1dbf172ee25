import { UserError } from "../core/errors.ts";

export interface OptionSpec {
  name: string;
  short?: string;
  type: "boolean" | "string" | "number";
  /** Allowed values for a string option. */
  choices?: readonly string[];
  /** A string option that may repeat: its values are collected in a list. */
  multiple?: boolean;
}

export interface ParsedArgs {
  options: Record<string, string | number | boolean | string[] | undefined>;
  positionals: string[];
  /** Everything after a bare `--`, or null when there was none. */
  rest: string[] | null;
}

/**
 * A small, strict flag parser: `--name value`, `--name=value`, `-n value`, `-nvalue`, grouped
 * boolean shorts (`-qv`). With `stopAtPositional`, the first positional ends option parsing
 * (a subcommand's own flags follow it).
 */
export function parseArgs(
  argv: string[],
  specs: OptionSpec[],
  { stopAtPositional = false, context = "ddcoterm" } = {},
): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: ParsedArgs["options"] = {};
  const positionals: string[] = [];
  let i = 0;

  const setValue = (spec: OptionSpec, flag: string, raw: string | undefined) => {
    if (spec.type === "boolean") {
      options[spec.name] = true;
      return;
    }
    if (raw === undefined) {
      throw new UserError(`Option "${flag}" needs a value (see ${context} --help)`);
    }
    if (spec.type === "number") {
      const value = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(value)) {
        throw new UserError(`Option "${flag}" expects a number, got "${raw}"`);
      }
      options[spec.name] = value;
      return;
    }
    if (spec.choices && !spec.choices.includes(raw)) {
      throw new UserError(
        `Option "${flag}" expects one of ${
          spec.choices.map((c) => `"${c}"`).join(", ")
        }, got "${raw}"`,
      );
    }
    if (spec.multiple) {
      options[spec.name] = [...(options[spec.name] as string[] | undefined ?? []), raw];
      return;
    }
    options[spec.name] = raw;
  };

  while (i < argv.length) {
    const arg = argv[i++];
    if (arg === "--") return { options, positionals, rest: argv.slice(i) };
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const spec = byName.get(name);
      if (!spec) throw unknownOption(`--${name}`, specs, context);
      if (eq !== -1) {
        if (spec.type === "boolean") {
          throw new UserError(`Option "--${name}" takes no value`);
        }
        setValue(spec, `--${name}`, arg.slice(eq + 1));
      } else {
        setValue(spec, `--${name}`, spec.type === "boolean" ? undefined : argv[i++]);
      }
      continue;
    }
    if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const spec = byShort.get(arg[j]);
        if (!spec) throw unknownOption(`-${arg[j]}`, specs, context);
        if (spec.type === "boolean") {
          options[spec.name] = true;
          continue;
        }
        const inline = arg.slice(j + 1);
        setValue(spec, `-${arg[j]}`, inline.length > 0 ? inline : argv[i++]);
        break;
      }
      continue;
    }
    positionals.push(arg);
    if (stopAtPositional) {
      return { options, positionals: [...positionals, ...argv.slice(i)], rest: null };
    }
  }
  return { options, positionals, rest: null };
}

function unknownOption(flag: string, specs: OptionSpec[], context: string): UserError {
  const names = specs.map((s) => `--${s.name}`);
  const guess = closest(flag, names);
  const hint = guess ? ` (did you mean "${guess}"?)` : ` (see ${context} --help)`;
  return new UserError(`Unknown option "${flag}"${hint}`);
}

/** The candidate within edit distance 2 of `word`, if any. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
