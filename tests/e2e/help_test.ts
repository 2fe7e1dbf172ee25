import { assert, assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { SUBCOMMANDS } from "../../src/cli/commands.ts";
import { ddcotermArgv, runCommand, tempHome } from "../lib/run.ts";

const decoder = new TextDecoder();

/** The text after the last "Examples:" line: each line a ddcoterm command. */
function examples(help: string): string[] {
  const at = help.lastIndexOf("\nExamples:\n");
  assert(at >= 0, `no Examples section in:\n${help}`);
  return help.slice(at + "\nExamples:\n".length).trim().split("\n").map((l) => l.trim());
}

Deno.test("the main help and every subcommand's help end with examples", async () => {
  const home = tempHome();
  try {
    for (const args of [["--help"], ...Object.keys(SUBCOMMANDS).map((name) => [name, "--help"])]) {
      const result = await runCommand(ddcotermArgv(...args), { env: home.env });
      assertEquals(result.code, 0, `ddcoterm ${args.join(" ")}: ${result.stderr}`);
      const help = decoder.decode(result.stdout);
      const lines = examples(help);
      assert(lines.length > 0, `ddcoterm ${args.join(" ")} has an empty Examples section`);
      for (const line of lines) {
        assertStringIncludes(line, "ddcoterm", `ddcoterm ${args.join(" ")}: an example`);
      }
    }
  } finally {
    home.cleanup();
  }
});

Deno.test("--version prints the version; an unknown option is one line naming it, exit 2", async () => {
  const home = tempHome();
  try {
    const version = await runCommand(ddcotermArgv("--version"), { env: home.env });
    assertEquals(version.code, 0);
    assert(/^ddcoterm \d+\.\d+\.\d+\n$/.test(decoder.decode(version.stdout)));
    const bad = await runCommand(ddcotermArgv("--no-such-flag", "--", "true"), { env: home.env });
    assertEquals(bad.code, 2);
    assertStringIncludes(bad.stderr, "--no-such-flag");
    assertEquals(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  } finally {
    home.cleanup();
  }
});
