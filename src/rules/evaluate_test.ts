import { assertEquals, assertMatch } from "@ddcoterm/assert";
import { evaluateCommand } from "./evaluate.ts";
import { configOf, invocationOf } from "./test_support.ts";

const GUARD = `
process_config:
  default_actions: ["record"]
  commands:
    - command: "kubectl"
      lints:
        - |
          if has_arg("delete") then
            return "You are deleting in " .. (k8s_context or "no context")
          end
        - error("broken lint")
      rules:
        - rule: has_arg("scale") and flags.replicas == "0"
          actions: ["approval"]
        - rule: has_arg("scale")
          actions: ["record", "process_info"]
    - command: "psql"
      rules:
        - rule: false
          actions: ["deny"]
`;

Deno.test("with no entry the configured default actions apply", async () => {
  const decision = await evaluateCommand(configOf(GUARD), invocationOf("helm list"));
  assertEquals(decision, { lints: [], actions: ["record"], source: "default_actions" });
});

Deno.test("with no default_actions the built-in default applies", async () => {
  const decision = await evaluateCommand(configOf(""), invocationOf("helm list"));
  assertEquals(decision, {
    lints: [],
    actions: ["record", "process_info"],
    source: "builtin_default",
  });
});

Deno.test("the first matching rule wins and lints run in order before it", async () => {
  const decision = await evaluateCommand(
    configOf(GUARD),
    invocationOf("/usr/local/bin/kubectl scale deploy/web --replicas 0"),
  );
  assertEquals(decision.actions, ["approval"]);
  assertEquals(decision.source, "rule");
  assertEquals(decision.matchedRule?.index, 0);
  assertEquals(decision.lints.length, 1);
  assertMatch(decision.lints[0], /^Lint 2 of command "kubectl" \(entry 1\) .* failed: broken lint/);
});

Deno.test("a lint message is returned as a warning", async () => {
  const decision = await evaluateCommand(configOf(GUARD), invocationOf("kubectl delete pod x"));
  assertEquals(decision.lints[0], "You are deleting in no context");
  assertEquals(decision.source, "default_actions");
});

Deno.test("CLI actions override rules, levels are cumulative and --approval adds approval", async () => {
  const config = configOf(GUARD);
  const run = (saveLevel?: "none" | "record" | "logs" | "process_info", approval?: boolean) =>
    evaluateCommand(config, invocationOf("kubectl scale x"), { saveLevel, approval });
  assertEquals((await run("none")).actions, []);
  assertEquals((await run("logs")).actions, ["record", "logs"]);
  assertEquals((await run("process_info", true)).actions, [
    "record",
    "logs",
    "process_info",
    "approval",
  ]);
  const onlyApproval = await run(undefined, true);
  assertEquals(onlyApproval.actions, ["approval"]);
  assertEquals(onlyApproval.source, "cli");
  assertEquals(onlyApproval.matchedRule, undefined);
});

Deno.test("entries for the same command are joined in file order", async () => {
  const yaml = `
process_config:
  commands:
    - command: git
      rules:
        - rule: has_arg("push") and has_arg("--force")
          actions: [approval]
    - command: git
      rules:
        - rule: true
          actions: []
`;
  const forced = await evaluateCommand(configOf(yaml), invocationOf("git push --force"));
  assertEquals(forced.matchedRule, { index: 0, entryIndex: 0, line: 6 });
  const plain = await evaluateCommand(configOf(yaml), invocationOf("git status"));
  assertEquals(plain.matchedRule, { index: 0, entryIndex: 1, line: 10 });
  assertEquals(plain.actions, []);
});

Deno.test("a syntax error in a rule fails closed with its position", async () => {
  const yaml = "process_config:\n  commands:\n    - command: x\n      rules:\n" +
    "        - rule: 'if then'\n          actions: []\n";
  const decision = await evaluateCommand(configOf(yaml), invocationOf("x"));
  assertEquals(decision.actions, ["deny"]);
  assertMatch(
    decision.failure!.message,
    /line 5, column 18 failed.*syntax error: unexpected symbol/,
  );
});

Deno.test("globals describe the invocation", async () => {
  const yaml = `
process_config:
  commands:
    - command: kubectl
      rules:
        - rule: |
            return executable == "kubectl" and args[1] == "get" and #args == 4
              and flags.output == "json" and short_flags.n == "web" and k8s_namespace == "web"
              and env.TEAM == "infra" and user == "ada" and hostname == "laptop"
              and cwd == "/work" and is_interactive == true and k8s_current_context == nil
          actions: [record]
`;
  const decision = await evaluateCommand(
    configOf(yaml),
    invocationOf("kubectl get -n web --output=json", { TEAM: "infra" }),
  );
  assertEquals(decision.failure, undefined);
  assertEquals(decision.actions, ["record"]);
});

Deno.test("k8s globals come from KUBECONFIG", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(
    `${dir}/kubeconfig`,
    "current-context: prod-eu\ncontexts:\n  - name: prod-eu\n    context: {namespace: web}\n",
  );
  const yaml = `
process_config:
  commands:
    - command: kubectl
      rules:
        - rule: return true, k8s_current_context .. "/" .. k8s_context .. "/" .. k8s_namespace
          actions: []
`;
  const env = { KUBECONFIG: `${dir}/kubeconfig` };
  const current = await evaluateCommand(configOf(yaml), invocationOf("kubectl get pods", env));
  assertEquals(current.matchedRule?.userMessage, "prod-eu/prod-eu/web");
  const explicit = await evaluateCommand(
    configOf(yaml),
    invocationOf("kubectl get pods --context staging -n api", env),
  );
  assertEquals(explicit.matchedRule?.userMessage, "prod-eu/staging/api");
  await Deno.remove(dir, { recursive: true });
});
