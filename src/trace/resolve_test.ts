import { assertEquals } from "@ddcoterm/assert";
import { resolveCommand } from "./resolve.ts";

const files: Record<string, boolean | "denied"> = {
  "/usr/local/bin/tool": "denied",
  "/usr/bin/tool": true,
  "./local": true,
  "/opt/x/only-denied": "denied",
};
const check = (path: string) => files[path] ?? false;

Deno.test("resolve finds the first runnable candidate on PATH, past a denied one", () => {
  assertEquals(resolveCommand("tool", "/usr/local/bin:/usr/bin", check), {
    path: "/usr/bin/tool",
  });
});

Deno.test("resolve reads an empty PATH entry as the current directory", () => {
  assertEquals(resolveCommand("local", "/usr/bin::/bin", check), { path: "./local" });
});

Deno.test("resolve takes a name with a slash as it is", () => {
  assertEquals(resolveCommand("./local", "/nowhere", check), { path: "./local" });
  assertEquals(resolveCommand("/usr/bin/missing", "/usr/bin", check), { error: "not_found" });
});

Deno.test("resolve reports denied only when no later candidate runs", () => {
  assertEquals(resolveCommand("only-denied", "/opt/x/", check), { error: "denied" });
  assertEquals(resolveCommand("absent", "/usr/bin", check), { error: "not_found" });
});
