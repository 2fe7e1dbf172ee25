import { EXIT_USAGE, UserError } from "../core/errors.ts";

/** A position in the config file, 1-based. */
export interface ConfigPosition {
  line: number;
  column: number;
}

export interface ConfigProblem extends ConfigPosition {
  message: string;
}

/** config.yaml cannot be used: bad YAML, wrong types, unknown actions, Lua syntax errors. */
export class ConfigError extends UserError {
  readonly path: string;
  readonly problems: ConfigProblem[];

  constructor(path: string, problems: ConfigProblem[]) {
    super(formatConfigError(path, problems), EXIT_USAGE);
    this.name = "ConfigError";
    this.path = path;
    this.problems = problems;
  }
}

/** `Cannot load config "<path>": line 7, column 5: <why>` (one line per problem if several). */
export function formatConfigError(path: string, problems: ConfigProblem[]): string {
  const head = `Cannot load config "${path}"`;
  if (problems.length === 1) return `${head}: ${where(problems[0])}`;
  return [`${head}: ${problems.length} problems:`, ...problems.map((p) => `  ${where(p)}`)]
    .join("\n");
}

function where(problem: ConfigProblem): string {
  return problem.line > 0
    ? `line ${problem.line}, column ${problem.column}: ${problem.message}`
    : problem.message;
}
