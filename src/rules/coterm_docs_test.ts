// CoTerm's documented config examples, verbatim, behave as the docs describe.
import { assertEquals, assertMatch } from "@ddcoterm/assert";
import { evaluateCommand } from "./evaluate.ts";
import { DOC_RULES_EXAMPLE, ISSUE_EXAMPLE } from "./coterm_docs_examples.ts";
import { configOf, invocationOf } from "./test_support.ts";

async function withKubeconfig<T>(context: string, fn: (env: Record<string, string>) => Promise<T>) {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/config`, `current-context: ${context}\n`);
    return await fn({ KUBECONFIG: `${dir}/config` });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the documented example asks approval for kubectl scale on a prod context", async () => {
  const decision = await evaluateCommand(
    configOf(DOC_RULES_EXAMPLE),
    invocationOf("kubectl scale deployment web --replicas=3 --context=prod-eu"),
  );
  assertEquals(decision.actions, ["record", "process_info", "approval"]);
  assertEquals(decision.lints, []);
  assertEquals(decision.matchedRule, {
    index: 0,
    entryIndex: 0,
    line: 11,
    userMessage: "Proceed with caution. This command may disrupt your Kubernetes cluster setup.",
    approverMessage: "Ensure that the user has documented a rollback plan before approving.",
  });
});

Deno.test("the documented lint warns when kubectl scale has no --context", async () => {
  await withKubeconfig("minikube", async (env) => {
    const decision = await evaluateCommand(
      configOf(DOC_RULES_EXAMPLE),
      invocationOf("kubectl scale deployment web --replicas=3", env),
    );
    assertEquals(decision.lints, [
      "No kubectl context specified (effective context: 'minikube'). It is recommended to " +
      "always explicitly specify the context when running `kubectl scale`.",
    ]);
    // minikube is not prod: the second rule records.
    assertEquals(decision.matchedRule?.index, 1);
    assertEquals(decision.actions, ["record", "process_info"]);
  });
});

Deno.test("the documented example uses the current context from kubeconfig", async () => {
  await withKubeconfig("prod-us", async (env) => {
    const decision = await evaluateCommand(
      configOf(DOC_RULES_EXAMPLE),
      invocationOf("kubectl scale deployment web --replicas=3", env),
    );
    assertMatch(decision.lints[0], /effective context: 'prod-us'/);
    assertEquals(decision.matchedRule?.index, 0);
    assertEquals(decision.actions, ["record", "process_info", "approval"]);
  });
});

Deno.test("the documented example runs other kubectl commands with no action", async () => {
  const decision = await evaluateCommand(
    configOf(DOC_RULES_EXAMPLE),
    invocationOf("kubectl get pods"),
  );
  assertEquals(decision, {
    lints: [],
    matchedRule: { index: 2, entryIndex: 0, line: 19 },
    actions: [],
    source: "rule",
  });
});

Deno.test("the documented lint still warns when no context is known at all", async () => {
  // k8s_context is nil; Lua 5.4's string.format("%s", nil) writes "nil".
  const decision = await evaluateCommand(
    configOf(DOC_RULES_EXAMPLE),
    invocationOf("kubectl scale deployment web"),
  );
  assertMatch(decision.lints[0], /effective context: 'nil'/);
  assertEquals(decision.actions, ["record", "process_info"]);
});

Deno.test("the issue's example: logs action, messages and default_actions", async () => {
  const config = configOf(ISSUE_EXAMPLE);
  const prod = await evaluateCommand(
    config,
    invocationOf("kubectl scale deploy/web --replicas 2 --context prod-eu"),
  );
  assertEquals(prod.actions, ["record", "logs", "process_info", "approval"]);
  assertEquals(prod.matchedRule?.userMessage, "Proceed with caution.");
  assertEquals(prod.matchedRule?.approverMessage, "Check the rollback plan.");
  const other = await evaluateCommand(config, invocationOf("helm list"));
  assertEquals(other, {
    lints: [],
    actions: ["record", "process_info"],
    source: "default_actions",
  });
});
