import { assert, assertEquals, assertMatch, assertThrows } from "@ddcoterm/assert";
import { ConfigError } from "./errors.ts";
import { parseConfigSync } from "./parse.ts";

const PATH = "/home/u/.ddcoterm/config.yaml";

function problemOf(text: string): string {
  try {
    parseConfigSync(text, PATH);
  } catch (error) {
    assert(error instanceof ConfigError);
    assertEquals(error.exitCode, 2);
    return error.message;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("an empty config gives the documented defaults", () => {
  const { config, warnings } = parseConfigSync("# nothing yet\n", PATH);
  assertEquals(warnings, []);
  assertEquals(config.enableTelemetry, false);
  assertEquals(config.enablePtrace, false);
  assertEquals(config.connectionConfig, { host: "https://app.datadoghq.com", port: 443 });
  assertEquals(config.processConfig, { commands: [] });
  assertEquals(config.redaction, { enabled: true, disable: [], rules: [], allow: [] });
});

Deno.test("an unknown action is an error naming file, line and column with a suggestion", () => {
  const text = [
    "process_config:",
    "  commands:",
    "    - command: kubectl",
    "      rules:",
    "        - rule: true",
    "          actions:",
    "            - recrod",
  ].join("\n");
  assertEquals(
    problemOf(text),
    `Cannot load config "${PATH}": line 7, column 15: unknown action "recrod" (did you mean "record"?)`,
  );
});

Deno.test("unknown keys are warnings with file:line:column and a suggestion", () => {
  const { warnings } = parseConfigSync(
    "process_config:\n  comands: []\nenable_telemtry: true\n",
    PATH,
  );
  assertEquals(warnings, [
    `${PATH}:2:3: unknown key "comands" in "process_config" (did you mean "commands"?); it is ignored`,
    `${PATH}:3:1: unknown key "enable_telemtry" (did you mean "enable_telemetry"?); it is ignored`,
  ]);
});

Deno.test("wrong types are errors that say what was expected and what was found", () => {
  assertMatch(
    problemOf("enable_ptrace: yes\n"),
    /line 1, column 16: "enable_ptrace" must be true or false, got the string "yes"/,
  );
  assertMatch(
    problemOf("connection_config:\n  port: 70000\n"),
    /line 2, column 9: "connection_config.port" must be between 1 and 65535, got 70000/,
  );
  assertMatch(problemOf("process_config:\n  commands: {}\n"), /must be a list, got a mapping/);
});

Deno.test("several problems are all reported, one per line", () => {
  const message = problemOf("enable_ptrace: 1\nenable_telemetry: 2\n");
  assertMatch(message, /2 problems:\n {2}line 1, column 16: .*\n {2}line 2, column 19: /);
});

Deno.test("YAML syntax errors keep their position", () => {
  assertMatch(problemOf("a: [1, 2\nb: {\n"), /line 2, column 1: flow sequence in block collection/);
  assertMatch(
    problemOf("enable_ptrace: true\nenable_ptrace: false\n"),
    /line 2, column 1: map keys/,
  );
});

Deno.test("a rule without actions and an entry without command are errors", () => {
  const text = "process_config:\n  commands:\n    - rules:\n        - rule: true\n";
  const message = problemOf(text);
  assertMatch(message, /line 3, column 7: .*has no "command" key/);
  assertMatch(message, /line 4, column 11: .*has no "actions" key/);
});

Deno.test("a command name with a slash is refused with the reason", () => {
  const text = "process_config:\n  commands:\n    - command: /usr/bin/kubectl\n      rules: []\n";
  assertMatch(problemOf(text), /line 3, column 16: "command" must be an executable name/);
});

Deno.test("snippets remember where their lines are in the file", () => {
  const text = [
    "process_config:",
    "  commands:",
    "    - command: kubectl",
    "      lints:",
    "        - |",
    "          if x then",
    "            return 'y'",
    "          end",
    "      rules:",
    "        - rule: has_arg('scale')",
    "          actions: [record]",
    "        - rule: true",
    "          actions: []",
  ].join("\n");
  const entry = parseConfigSync(text, PATH).config.processConfig.commands[0];
  assertEquals(entry.lints[0], {
    source: "if x then\n  return 'y'\nend\n",
    line: 6,
    column: 11,
    linesMatchFile: true,
  });
  assertEquals(entry.rules[0].rule, {
    source: "has_arg('scale')",
    line: 10,
    column: 17,
    linesMatchFile: false,
  });
  assertEquals(entry.rules[1].rule.source, "true");
  assertEquals(entry.line, 3);
});

Deno.test("Lua syntax errors found by the injected checker point into the snippet", () => {
  const text = [
    "process_config:",
    "  commands:",
    "    - command: kubectl",
    "      lints:",
    "        - |",
    "          if x then",
    "            return 'y'",
  ].join("\n");
  const checkLua = (source: string) =>
    source.includes("if x") ? { line: 2, message: "'end' expected near <eof>" } : undefined;
  assertThrows(() => parseConfigSync(text, PATH, { checkLua }), ConfigError);
  try {
    parseConfigSync(text, PATH, { checkLua });
  } catch (error) {
    assertEquals(
      (error as Error).message,
      `Cannot load config "${PATH}": line 7, column 11: Lua syntax error in lint 1 of ` +
        `command "kubectl": 'end' expected near <eof>`,
    );
  }
});

Deno.test("the redaction section is validated and custom regexes must compile", () => {
  const text = [
    "redaction:",
    "  enabled: true",
    "  disable: [aws-access-key]",
    "  rules:",
    "    - id: acme-token",
    "      regex: 'acme_([a-z0-9]{32})'",
    "      keywords: [acme]",
    "      min_entropy: 3.5",
    "      secret_group: 1",
    "  allow: ['^example$']",
  ].join("\n");
  assertEquals(parseConfigSync(text, PATH).config.redaction, {
    enabled: true,
    disable: ["aws-access-key"],
    rules: [{
      id: "acme-token",
      regex: "acme_([a-z0-9]{32})",
      keywords: ["acme"],
      minEntropy: 3.5,
      secretGroup: 1,
    }],
    allow: ["^example$"],
  });
  assertMatch(
    problemOf("redaction:\n  rules:\n    - id: x\n      regex: 'a(b'\n"),
    /line 4, column 14: invalid regular expression "a\(b": /,
  );
  assertMatch(
    problemOf("redaction:\n  rules:\n    - id: x\n      regex: 'ab'\n      secret_group: 2\n"),
    /line 5, column 21: .*secret_group" is 2 but the regex has 0 capture groups/,
  );
});

Deno.test("the server section is reserved: url is checked, other keys are left alone", () => {
  const { config, warnings } = parseConfigSync(
    "server:\n  url: https://coterm.example.com\n  later: 1\n",
    PATH,
  );
  assertEquals(config.server, { url: "https://coterm.example.com" });
  assertEquals(warnings, []);
  assertMatch(problemOf("server:\n  url: ftp://x\n"), /"server.url" must be an http or https URL/);
});

Deno.test("two entries for one command are both kept, with a warning", () => {
  const text = [
    "process_config:",
    "  commands:",
    "    - command: kubectl",
    "      rules: [{rule: 'has_arg(\"a\")', actions: [record]}]",
    "    - command: kubectl",
    "      rules: [{rule: true, actions: []}]",
  ].join("\n");
  const { config, warnings } = parseConfigSync(text, PATH);
  assertEquals(config.processConfig.commands.length, 2);
  assertMatch(warnings[0], /:5:7: command "kubectl" also has entry 1/);
});

Deno.test("default_actions and deny are accepted actions", () => {
  const text = "process_config:\n  default_actions: [record, deny]\n";
  const { config, warnings } = parseConfigSync(text, PATH);
  assertEquals(config.processConfig.defaultActions, ["record", "deny"]);
  assertMatch(warnings[0], /"deny" stops the command/);
});
