import { assert, assertEquals, assertMatch } from "@ddcoterm/assert";
import { evaluateCommand } from "./evaluate.ts";
import { configOf, invocationOf } from "./test_support.ts";

/** Runs one rule snippet for `tool` and returns the decision. */
async function decide(rule: string, budgetMs = 50) {
  const yaml = [
    "process_config:",
    "  commands:",
    "    - command: tool",
    "      rules:",
    "        - rule: |",
    ...rule.split("\n").map((line) => `            ${line}`),
    "          actions: []",
  ].join("\n");
  const started = performance.now();
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool run"), undefined, {
    budgetMs,
  });
  return { decision, elapsed: performance.now() - started };
}

async function assertFailsClosed(rule: string, why: RegExp) {
  const { decision, elapsed } = await decide(rule);
  assert(decision.failure, `expected a failure for ${rule}`);
  assertEquals(decision.actions, ["deny"]);
  assertMatch(decision.failure.message, why);
  assertMatch(
    decision.failure.message,
    /^Rule 1 of command "tool" \(entry 1\) in ".*config\.yaml"/,
  );
  // The budget is 50 ms; leave room for a loaded machine but stay far from "seconds".
  assert(elapsed < 1000, `took ${elapsed} ms`);
  return decision;
}

Deno.test("a rule cannot read files: io is absent", async () => {
  await assertFailsClosed('return io.open("/etc/passwd")', /global 'io'/);
});

Deno.test("a rule cannot run commands: os is absent", async () => {
  await assertFailsClosed('return os.execute("id")', /global 'os'/);
});

Deno.test("a rule cannot load code: load, require, dofile, loadfile are absent", async () => {
  for (const name of ["load", "require", "dofile", "loadfile"]) {
    await assertFailsClosed(`return ${name}("x")`, new RegExp(`global '${name}'`));
  }
});

Deno.test("other host-reaching globals are absent and string.dump is gone", async () => {
  const { decision } = await decide(
    "return not (package or debug or coroutine or print or collectgarbage or rawset or string.dump)",
  );
  assertEquals(decision.failure, undefined);
  assertEquals(decision.matchedRule?.index, 0);
});

Deno.test("a memory bomb is stopped and fails closed", async () => {
  await assertFailsClosed(
    'local t = {} while true do t[#t + 1] = string.rep("x", 65536) end',
    /memory|time budget/,
  );
  await assertFailsClosed('local s = "x" while true do s = s .. s end', /memory/);
});

Deno.test("an endless loop is stopped by the time budget, even inside pcall", async () => {
  await assertFailsClosed("while true do end", /ran past the 50 ms time budget/);
  await assertFailsClosed(
    "while true do pcall(function() while true do end end) end",
    /time budget/,
  );
});

Deno.test("a pathological string pattern is refused before it runs", async () => {
  await assertFailsClosed(
    'return string.find(string.rep("a", 30000), ".-.-.-.-.-.-b")',
    /string\.find refused pattern/,
  );
  await assertFailsClosed('return (string.rep("a", 100000)):match("a*b")', /refused/);
});

Deno.test("ordinary patterns still work under the guard", async () => {
  const { decision } = await decide(
    'local a, b = ("prod-eu-1"):match("^(%w+)%-(.*)$")\n' +
      'local n = select(2, ("a b  c"):gsub("%s+", " "))\n' +
      'return a == "prod" and b == "eu-1" and n == 2 and ("x.y"):find(".", 1, true) == 2',
  );
  assertEquals(decision.failure, undefined);
  assertEquals(decision.matchedRule?.index, 0);
});

Deno.test("injected tables are read-only and snippets do not share globals", async () => {
  await assertFailsClosed('args[1] = "x"', /args is read-only/);
  const yaml = [
    "process_config:",
    "  commands:",
    "    - command: tool",
    "      rules:",
    "        - rule: 'leaked = 1 return false'",
    "          actions: [record]",
    "        - rule: leaked == nil",
    "          actions: []",
  ].join("\n");
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool"));
  assertEquals(decision.matchedRule?.index, 1);
});

Deno.test("a rule error names the config file, entry, rule index, line and Lua error", async () => {
  const decision = await assertFailsClosed(
    "local x = nil\nreturn x.y",
    /attempt to index a nil value/,
  );
  assertMatch(decision.failure!.message, /line 7, column 13 failed/);
  assertEquals(decision.failure!.ruleIndex, 0);
});
