import { assertEquals } from "@ddcoterm/assert";
import { evaluateSimpleRule } from "./fast_path.ts";

Deno.test("constant and has_arg rules are decided without Lua", () => {
  assertEquals(evaluateSimpleRule("true", []), true);
  assertEquals(evaluateSimpleRule(" false\n", []), false);
  assertEquals(evaluateSimpleRule('has_arg("scale")', ["scale", "x"]), true);
  assertEquals(evaluateSimpleRule("has_arg('scale')", ["get"]), false);
  assertEquals(evaluateSimpleRule('not has_arg("--dry-run")', ["apply"]), true);
});

Deno.test("anything else is left to Lua", () => {
  assertEquals(evaluateSimpleRule('has_arg("a") and has_arg("b")', ["a"]), undefined);
  assertEquals(evaluateSimpleRule('has_arg("a\\"b")', []), undefined);
  assertEquals(evaluateSimpleRule("return true", []), undefined);
});
