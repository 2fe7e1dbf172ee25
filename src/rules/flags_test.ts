import { assertEquals } from "@ddcoterm/assert";
import { parseFlags } from "./flags.ts";

function flagsOf(line: string) {
  const { flags, shortFlags } = parseFlags(line.split(" ").filter((a) => a !== ""));
  return { flags: { ...flags }, shortFlags: { ...shortFlags } };
}

Deno.test("--key value and --key=value both give a string", () => {
  assertEquals(flagsOf("foo --bar baz").flags, { bar: "baz" });
  assertEquals(flagsOf("foo --bar=baz").flags, { bar: "baz" });
  assertEquals(flagsOf("foo --bar=").flags, { bar: "" });
  assertEquals(flagsOf("--sql=a=b").flags, { sql: "a=b" });
});

Deno.test("a --key at the end or before another option is true", () => {
  assertEquals(flagsOf("apply --force").flags, { force: true });
  assertEquals(flagsOf("apply --force --dry-run=client").flags, {
    force: true,
    "dry-run": "client",
  });
  assertEquals(flagsOf("apply --watch -n web").flags, { watch: true });
});

Deno.test("keys keep their dashes and a later repeat wins", () => {
  assertEquals(flagsOf("--dry-run=server --dry-run=client").flags, { "dry-run": "client" });
});

Deno.test("parsing stops at --", () => {
  assertEquals(flagsOf("exec pod --context prod -- sh --login").flags, { context: "prod" });
  assertEquals(flagsOf("exec --stdin -- sh").flags, { stdin: true });
});

Deno.test("a lone dash is a value, not an option", () => {
  assertEquals(flagsOf("apply --filename -").flags, { filename: "-" });
});

Deno.test("single-dash options go to short_flags by their full name", () => {
  assertEquals(flagsOf("get pods -n kube-system -w").shortFlags, { n: "kube-system", w: true });
  assertEquals(flagsOf("apply -auto-approve -var x=1 -target=a.b").shortFlags, {
    "auto-approve": true,
    var: "x=1",
    target: "a.b",
  });
  assertEquals(flagsOf("get pods -n kube-system").flags, {});
});
