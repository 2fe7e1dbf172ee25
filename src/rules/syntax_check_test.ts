import { assert, assertMatch, assertRejects } from "@ddcoterm/assert";
import { ConfigError, loadConfig } from "../config/mod.ts";
import { luaSyntaxChecker } from "./mod.ts";

Deno.test("loadConfig with the Lua checker reports a syntax error at its file line", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/config.yaml`;
  await Deno.writeTextFile(
    path,
    [
      "process_config:",
      "  commands:",
      "    - command: kubectl",
      "      rules:",
      "        - rule: |",
      "            local ok = true",
      "            return ok and and",
      "          actions: []",
    ].join("\n"),
  );
  const checkLua = await luaSyntaxChecker();
  await assertRejects(() => loadConfig(path, { checkLua }), ConfigError);
  try {
    await loadConfig(path, { checkLua });
  } catch (error) {
    assertMatch(
      (error as Error).message,
      /: line 7, column 13: Lua syntax error in rule 1 of command "kubectl": unexpected symbol near 'and'/,
    );
  }
  await Deno.writeTextFile(
    path,
    "process_config:\n  commands:\n    - command: x\n      lints: ['return 1']\n",
  );
  assert((await loadConfig(path, { checkLua })).config.processConfig.commands.length === 1);
  await Deno.remove(dir, { recursive: true });
});
