// How evaluateCommand combines the subset evaluator with Lua: snippets are decided in order
// without Lua up to the first one outside the subset, which Lua decides with all the rest.
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import { evaluateCommand } from "./evaluate.ts";
import { buildGlobals } from "./globals.ts";
import { subsetEnvironment } from "./subset_eval.ts";
import { configOf, invocationOf } from "./test_support.ts";

/** A config with one `tool` entry holding these lints and rules (each rule: actions [record]). */
function toolConfig(lints: string[], rules: string[]): string {
  const block = (snippet: string, indent: string) =>
    `|\n${snippet.split("\n").map((line) => `${indent}  ${line}`).join("\n")}`;
  return [
    "process_config:",
    "  commands:",
    "    - command: tool",
    "      lints:",
    ...lints.map((lint) => `        - ${block(lint, "          ")}`),
    "      rules:",
    ...rules.map((rule) =>
      `        - rule: ${block(rule, "            ")}\n          actions: [record]`
    ),
  ].join("\n") + "\n";
}

const LOOP_LINT = "for _, a in ipairs(args) do return 'second: ' .. a end";

Deno.test("lints decided without Lua keep their place when a later lint needs Lua", async () => {
  const yaml = toolConfig(["return 'first'", LOOP_LINT, "return 'third'"], ["true"]);
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool x"));
  assertEquals(decision.lints, ["first", "second: x", "third"]);
  assertEquals(decision.matchedRule?.index, 0);
});

Deno.test("a rule outside the subset gets Lua's answer", async () => {
  const yaml = toolConfig([], [
    "has_arg('nope')",
    "for _, a in ipairs(args) do if a == 'x' then return true, 'looped ' .. a end end",
    "true",
  ]);
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool x"));
  assertEquals(decision.matchedRule, {
    index: 1,
    entryIndex: 0,
    line: 10,
    userMessage: "looped x",
  });
  const other = await evaluateCommand(configOf(yaml), invocationOf("tool y"));
  assertEquals(other.matchedRule?.index, 2);
});

Deno.test("a runtime error in a later rule still fails closed with Lua's message", async () => {
  const yaml = toolConfig(["return 'kept'"], ["has_arg('nope')", "k8s_context:match('prod')"]);
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool x"));
  assertEquals(decision.actions, ["deny"]);
  assertEquals(decision.lints, ["kept"]);
  assertEquals(decision.failure?.ruleIndex, 1);
  assertMatch(
    decision.failure!.message,
    /^Rule 2 of command "tool" \(entry 1\) .* failed, so the command is not run: .*attempt to index a nil value/,
  );
});

Deno.test("a syntax error in a later rule fails closed with its position", async () => {
  const yaml = toolConfig([], ["false", "if then"]);
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool"));
  assertEquals(decision.actions, ["deny"]);
  assertMatch(decision.failure!.message, /^Rule 2 .* line 10, .*syntax error/);
});

Deno.test("a failing lint after decided lints is a warning in its place", async () => {
  const yaml = toolConfig(["'one'", "error('broken')", "'three'"], ["false"]);
  const decision = await evaluateCommand(configOf(yaml), invocationOf("tool"));
  assertEquals(decision.lints.length, 3);
  assertEquals(decision.lints[0], "one");
  assertMatch(decision.lints[1], /^Lint 2 of command "tool" .* failed: .*broken/);
  assertEquals(decision.lints[2], "three");
  assertEquals(decision.source, "builtin_default");
});

Deno.test("kubeconfig is read only once a snippet that mentions k8s_ runs", async () => {
  const reads: string[] = [];
  const readTextFile = (path: string) => {
    reads.push(path);
    return Promise.resolve("current-context: prod-eu\n");
  };
  const yaml = toolConfig([], ["has_arg('now')", "return true, k8s_context"]);
  const config = configOf(yaml);
  const early = await evaluateCommand(config, invocationOf("tool now"), undefined, {
    readTextFile,
  });
  assertEquals(early.matchedRule?.index, 0);
  assertEquals(reads, []);
  const late = await evaluateCommand(config, invocationOf("tool later"), undefined, {
    readTextFile,
  });
  assertEquals(late.matchedRule?.userMessage, "prod-eu");
  assertEquals(reads, ["/nonexistent-home/.kube/config"]);
});

Deno.test("globals that Lua would not see as the same text leave everything to Lua", async () => {
  const clean = invocationOf("tool x", { NAME: "zoë 😀" });
  assert(subsetEnvironment(buildGlobals(clean, undefined), 1));
  // A lone surrogate has no UTF-8 form: wasmoon would hand Lua other bytes.
  for (
    const odd of [
      { ...clean, args: ["\uD800x"] },
      { ...clean, env: { ...clean.env, ["K\uDC00"]: "v" } },
      { ...clean, env: { ...clean.env, K: "\uD83D" } },
      { ...clean, cwd: "/srv/\uDE00" },
    ]
  ) {
    assertEquals(subsetEnvironment(buildGlobals(odd, undefined), 1), undefined);
  }
  // Then Lua decides, even `has_arg('x')`. Here it cannot even read the globals (the lone
  // surrogate garbles the quote after it), so the command is refused.
  const yaml = toolConfig([], ["has_arg('x')"]);
  const decision = await evaluateCommand(configOf(yaml), { ...clean, cwd: "/srv/\uDE00" });
  assertEquals(decision.actions, ["deny"]);
  assertMatch(decision.failure!.message, /^Cannot evaluate the lints and rules of command "tool"/);
});

/** Runs evaluateCommand in a fresh process with start-up marks on; returns them. */
async function marksOf(yaml: string, line: string): Promise<string> {
  const root = new URL("../../", import.meta.url);
  const code = `
    import { evaluateCommand } from "${new URL("src/rules/evaluate.ts", root)}";
    import { configOf, invocationOf } from "${new URL("src/rules/test_support.ts", root)}";
    const decision = await evaluateCommand(configOf(${JSON.stringify(yaml)}),
      invocationOf(${JSON.stringify(line)}));
    console.log(JSON.stringify(decision));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "-q", "--no-check", "--config", new URL("deno.json", root).pathname, code],
    env: { DDCOTERM_TRACE_STARTUP: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert(out.success, stderr);
  return stderr;
}

Deno.test("Lua is not loaded when the subset decides every snippet", async () => {
  const decided = await marksOf(
    toolConfig(["if not has_arg('x') then return 'no x' end"], [
      "local v = flags.v or 'none'\nreturn v:match('^prod'), 'prod: ' .. v",
      "true",
    ]),
    "tool run --v staging",
  );
  assertStringIncludes(decided, "rules: decided without Lua");
  assert(!decided.includes("rules: lua needed"), decided);
  const needed = await marksOf(toolConfig([LOOP_LINT], ["true"]), "tool run");
  assertStringIncludes(needed, "rules: lua needed");
  assert(!needed.includes("rules: decided without Lua"), needed);
});
