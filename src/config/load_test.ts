import { assertEquals, assertRejects } from "@ddcoterm/assert";
import { ConfigError } from "./errors.ts";
import { configCachePath, configPath, loadConfig } from "./load.ts";

Deno.test("a missing config file means the defaults", async () => {
  const dir = await Deno.makeTempDir();
  const { config, warnings } = await loadConfig(`${dir}/config.yaml`);
  assertEquals(warnings, []);
  assertEquals(config.processConfig.commands, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("loadConfig caches the validated config and notices edits", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/config.yaml`;
  await Deno.writeTextFile(path, "enable_ptrace: true\nextra: 1\n");
  const first = await loadConfig(path);
  assertEquals(first.config.enablePtrace, true);
  assertEquals((await Deno.stat(configCachePath(path))).isFile, true);
  const second = await loadConfig(path);
  assertEquals(second, first);
  await Deno.writeTextFile(path, "enable_ptrace: false\n");
  assertEquals((await loadConfig(path)).config.enablePtrace, false);
  await Deno.writeTextFile(path, "enable_ptrace: nope\n");
  await assertRejects(() => loadConfig(path), ConfigError);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("configPath follows DDCOTERM_HOME, else ~/.ddcoterm", () => {
  assertEquals(configPath({ DDCOTERM_HOME: "/tmp/dd/", HOME: "/h" }), "/tmp/dd/config.yaml");
  assertEquals(configPath({ HOME: "/h" }), "/h/.ddcoterm/config.yaml");
});
