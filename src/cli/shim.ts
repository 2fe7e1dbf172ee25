import { configPath, loadConfig } from "../config/mod.ts";
import { UserError } from "../core/errors.ts";
import { ddcotermHome, displayPath } from "../core/home.ts";
import {
  createShim,
  ensurePathBlock,
  findRealBinary,
  hasBlock,
  isShim,
  listShims,
  overridesDir,
  removeShim,
  validateShimName,
} from "../shim/mod.ts";
import { realPathOrSelf } from "../shim/which.ts";
import { parseArgs } from "./args.ts";
import { printOut, say } from "./output.ts";
import { selfCommand } from "./self.ts";

const HELP = `Usage: ddcoterm shim <create|list|remove|doctor> [NAME...]

A shim is a small script in $DDCOTERM_HOME/overrides/ that runs ddcoterm's guardrails (lints
and rules from config.yaml) every time you run NAME, then the real NAME. Overrides must come
before the real program on PATH: the installer's PATH block does that.

Commands:
  create NAME...   Create shims (older form: ddcoterm shim NAME)
  list             Shims, their real programs, and how many lints and rules apply
  remove NAME...   Remove shims
  doctor           Check PATH order, missing programs and stale shims

Options:
      --json       With list or doctor: JSON output
  -h, --help       Show this help

Examples:
  ddcoterm shim create kubectl terraform
  ddcoterm shim list
  ddcoterm shim doctor`;

export async function run(args: string[]): Promise<number> {
  const { options, positionals } = parseArgs(args, [
    { name: "help", short: "h", type: "boolean" },
    { name: "json", type: "boolean" },
  ], { context: "ddcoterm shim" });
  if (options.help) {
    printOut(HELP);
    return 0;
  }
  const [verb, ...names] = positionals;
  const home = ddcotermHome();
  switch (verb) {
    case undefined:
      throw new UserError("ddcoterm shim needs a command: create, list, remove or doctor");
    case "create":
      return create(home, names);
    case "list":
      return await list(home, options.json === true);
    case "remove":
      return remove(home, names);
    case "doctor":
      return doctor(home, options.json === true);
    default:
      // CoTerm's older form: `ddcoterm shim kubectl`.
      return create(home, positionals);
  }
}

function create(home: string, names: string[]): number {
  if (names.length === 0) throw new UserError("ddcoterm shim create needs at least one NAME");
  names.forEach(validateShimName);
  const self = selfCommand();
  for (const name of names) {
    const path = createShim(home, name, self);
    const real = findRealBinary(name, Deno.env.get("PATH"), home);
    const target = real ? `runs ${real}` : `no ${name} on PATH yet`;
    say(`shim for ${name} at ${displayPath(path)} (${target})`);
  }
  const userHome = Deno.env.get("HOME");
  if (userHome) {
    const changed = ensurePathBlock(home, userHome);
    for (const rc of changed) say(`added ddcoterm's PATH block to ${displayPath(rc)}`);
  }
  if (!pathHasOverridesFirst(home)) {
    say("restart your shell or run `source ~/.bashrc` so the shims come first on PATH");
  }
  return 0;
}

async function list(home: string, json: boolean): Promise<number> {
  const { config } = await loadConfig(configPath(Deno.env.toObject()));
  const rows = listShims(home).map((name) => {
    const entries = config.processConfig.commands.filter((c) => c.command === name);
    return {
      name,
      target: findRealBinary(name, Deno.env.get("PATH"), home),
      lints: entries.reduce((n, e) => n + e.lints.length, 0),
      rules: entries.reduce((n, e) => n + e.rules.length, 0),
    };
  });
  if (json) {
    printOut(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    printOut("No shims. Create one with: ddcoterm shim create kubectl");
    return 0;
  }
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  printOut(
    [`${"NAME".padEnd(width)}  LINTS  RULES  TARGET`].concat(
      rows.map((r) =>
        `${r.name.padEnd(width)}  ${String(r.lints).padStart(5)}  ${String(r.rules).padStart(5)}  ${
          r.target ?? "(not found on PATH)"
        }`
      ),
    ).join("\n"),
  );
  return 0;
}

function remove(home: string, names: string[]): number {
  if (names.length === 0) throw new UserError("ddcoterm shim remove needs at least one NAME");
  let missing = 0;
  for (const name of names) {
    if (removeShim(home, name)) say(`removed the shim for ${name}`);
    else {
      say(`no shim for ${name}`);
      missing++;
    }
  }
  return missing > 0 ? 1 : 0;
}

function pathHasOverridesFirst(home: string): boolean {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").map((d) => realPathOrSelf(d || "."));
  return dirs.includes(realPathOrSelf(overridesDir(home)));
}

interface Problem {
  shim?: string;
  problem: string;
}

function doctor(home: string, json: boolean): number {
  const problems: Problem[] = [];
  const pathDirs = (Deno.env.get("PATH") ?? "").split(":").map((d) => realPathOrSelf(d || "."));
  const overrides = realPathOrSelf(overridesDir(home));
  const overridesAt = pathDirs.indexOf(overrides);
  if (overridesAt === -1) {
    problems.push({ problem: `${displayPath(overridesDir(home))} is not on PATH` });
  }
  const userHome = Deno.env.get("HOME");
  if (userHome && ![".bashrc", ".zshrc"].some((rc) => hasBlock(`${userHome}/${rc}`))) {
    problems.push({ problem: "no ddcoterm PATH block in ~/.bashrc or ~/.zshrc" });
  }
  for (const name of listShims(home)) {
    const real = findRealBinary(name, Deno.env.get("PATH"), home);
    if (!real) {
      problems.push({ shim: name, problem: `no real ${name} on PATH (the shim would exit 127)` });
      continue;
    }
    const realDir = realPathOrSelf(real.replace(/\/[^/]+$/, ""));
    const realAt = pathDirs.indexOf(realDir);
    if (overridesAt !== -1 && realAt !== -1 && realAt < overridesAt) {
      problems.push({ shim: name, problem: `${real} comes before the shim on PATH` });
    }
    const script = Deno.readTextFileSync(`${overridesDir(home)}/${name}`);
    const runner = /^exec '([^']+)'/m.exec(script)?.[1];
    if (runner && !isExecutable(runner)) {
      problems.push({ shim: name, problem: `stale: it runs ${runner}, which is gone` });
    }
  }
  if (json) printOut(JSON.stringify({ ok: problems.length === 0, problems }, null, 2));
  else if (problems.length === 0) printOut("All shims look right.");
  else printOut(problems.map((p) => `${p.shim ? `${p.shim}: ` : ""}${p.problem}`).join("\n"));
  return problems.length === 0 ? 0 : 1;
}

function isExecutable(path: string): boolean {
  try {
    return isShim(path) || ((Deno.statSync(path).mode ?? 0) & 0o111) !== 0;
  } catch {
    return false;
  }
}
