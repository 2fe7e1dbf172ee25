import { assertEquals } from "@ddcoterm/assert";
import type { Decision } from "../rules/mod.ts";
import { approvedActions, breakGlassRequested, plan } from "./plan.ts";

const outside = { breakGlass: false, insideSession: false };
const decision = (actions: Decision["actions"], extra: Partial<Decision> = {}): Decision => ({
  lints: [],
  actions,
  source: "rule",
  ...extra,
});

Deno.test("no actions runs the real command directly", () => {
  assertEquals(plan(decision([]), outside), { kind: "exec", actions: [], joinsSession: false });
});

Deno.test("record outside a session records, inside it joins the session", () => {
  assertEquals(plan(decision(["record", "process_info"]), outside).kind, "record");
  assertEquals(
    plan(decision(["record"]), { breakGlass: false, insideSession: true }),
    { kind: "exec", actions: ["record"], joinsSession: true },
  );
});

Deno.test("a failed rule refuses the command", () => {
  const failed = decision(["deny"], { failure: { message: "Rule 1 failed" } });
  assertEquals(plan(failed, outside), { kind: "refuse", message: "Rule 1 failed" });
});

Deno.test("deny refuses with the rule's user message", () => {
  const denied = decision(["deny"], {
    matchedRule: { index: 0, entryIndex: 0, line: 4, userMessage: "Not in production." },
  });
  assertEquals(plan(denied, outside), { kind: "refuse", message: "Not in production." });
});

Deno.test("approval needs approval unless glass is broken, which forces recording", () => {
  assertEquals(plan(decision(["approval"]), outside).kind, "needs_approval");
  assertEquals(plan(decision(["approval", "logs"]), { breakGlass: true, insideSession: false }), {
    kind: "record",
    actions: ["logs", "record", "process_info"],
    breakGlass: true,
  });
});

Deno.test("break glass is anything but empty, 0 or false", () => {
  assertEquals(
    [undefined, "", "0", "false", "FALSE", " ", "1", "true", "yes"].map(breakGlassRequested),
    [false, false, false, false, false, false, true, true, true],
  );
});

Deno.test("incidents alone records without asking for approval", () => {
  assertEquals(plan(decision(["incidents"]), outside), {
    kind: "record",
    actions: ["incidents"],
    breakGlass: false,
  });
});

Deno.test("an approved command runs with the rule's other actions and is always recorded", () => {
  assertEquals(approvedActions(["approval", "process_info"]), ["process_info", "record"]);
  assertEquals(approvedActions(["record", "approval", "logs"]), ["record", "logs"]);
});
