// Shared by the rules tests: a config from YAML text and an invocation from a command line.
import { parseConfigSync } from "../config/parse.ts";
import type { Config } from "../config/mod.ts";
import type { Invocation } from "./types.ts";

export function configOf(yaml: string, path = "/home/u/.ddcoterm/config.yaml"): Config {
  return parseConfigSync(yaml, path).config;
}

export function invocationOf(line: string, env: Record<string, string> = {}): Invocation {
  const [executable, ...args] = line.split(" ").filter((word) => word !== "");
  return {
    executable,
    args,
    env: { HOME: "/nonexistent-home", ...env },
    cwd: "/work",
    user: "ada",
    hostname: "laptop",
    isInteractive: true,
  };
}
