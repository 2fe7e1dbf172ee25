// Loads every example rule set in lua/examples and checks its example command lines through
// `ddcoterm rules test --json`, as a user would.
import { assert, assertEquals } from "@ddcoterm/assert";
import { parse } from "yaml";
import { loadConfig } from "../src/config/mod.ts";
import type { Decision } from "../src/rules/mod.ts";
import { ddcotermArgv, runCommand } from "../tests/lib/run.ts";

interface Case {
  line?: string;
  argv?: string[];
  env?: Record<string, string>;
  actions?: string[];
  lint?: boolean;
}

interface Cases {
  env?: Record<string, string>;
  should_match: Case[];
  should_not_match: (string | Case)[];
}

const dir = new URL("./examples/", import.meta.url).pathname;
const names = [...Deno.readDirSync(dir)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith(".yaml") && !name.endsWith(".cases.yaml"))
  .map((name) => name.replace(/\.yaml$/, ""))
  .sort();

/** Runs `ddcoterm rules test --json -- ARGV` with the example as config.yaml. */
async function rulesTest(
  name: string,
  item: Case,
  shared: Record<string, string> = {},
): Promise<Decision> {
  const argv = item.argv ?? item.line!.split(" ").filter((word) => word !== "");
  const home = Deno.makeTempDirSync({ prefix: "ddcoterm-examples-" });
  try {
    Deno.copyFileSync(`${dir}${name}.yaml`, `${home}/config.yaml`);
    const env: Record<string, string> = {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: "/nonexistent-home",
      DDCOTERM_HOME: home,
      ...shared,
      ...item.env,
    };
    if (env.KUBECONFIG) env.KUBECONFIG = `${dir}${env.KUBECONFIG}`;
    const result = await runCommand(ddcotermArgv("rules", "test", "--json", "--", ...argv), {
      env,
      cwd: home,
    });
    assertEquals(result.code, 0, result.stderr);
    return JSON.parse(new TextDecoder().decode(result.stdout));
  } finally {
    Deno.removeSync(home, { recursive: true });
  }
}

Deno.test("every example rule set has cases", () => {
  assertEquals(names, ["aws", "helm", "kubectl", "psql", "terraform"]);
});

for (const name of names) {
  Deno.test(`the ${name} example guards the commands it should and no others`, async () => {
    const { config, warnings } = await loadConfig(`${dir}${name}.yaml`, { cache: false });
    assertEquals(warnings, []);
    const cases = parse(await Deno.readTextFile(`${dir}${name}.cases.yaml`)) as Cases;
    for (const item of cases.should_match) {
      const decision = await rulesTest(name, item, cases.env);
      const label = item.line ?? item.argv!.join(" ");
      assertEquals(decision.failure, undefined, label);
      const ruleFired = decision.matchedRule !== undefined &&
        config.processConfig.commands[decision.matchedRule.entryIndex]
            .rules[decision.matchedRule.index].rule.source.trim() !== "true";
      assert(ruleFired || decision.lints.length > 0, `${label}: nothing fired`);
      if (item.actions) assertEquals(decision.actions, item.actions, label);
      if (item.lint !== undefined) assertEquals(decision.lints.length > 0, item.lint, label);
    }
    for (const entry of cases.should_not_match) {
      const item = typeof entry === "string" ? { line: entry } : entry;
      const decision = await rulesTest(name, item, cases.env);
      const label = item.line ?? item.argv!.join(" ");
      assertEquals(decision.failure, undefined, label);
      assertEquals(decision.lints, [], label);
      const rule = decision.matchedRule &&
        config.processConfig.commands[decision.matchedRule.entryIndex]
          .rules[decision.matchedRule.index];
      assert(!rule || rule.rule.source.trim() === "true", `${label}: a guard rule matched`);
    }
  });
}
