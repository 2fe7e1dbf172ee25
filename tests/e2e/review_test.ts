import { assert, assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { readCastFile } from "../lib/cast.ts";
import { ddcotermArgv, ddcotermShell, runCommand, runInTerminal, tempHome } from "../lib/run.ts";

const decoder = new TextDecoder();

Deno.test("the header and meta.json describe a session; sessions lists and export converts it", async () => {
  const home = tempHome();
  try {
    const first = await runInTerminal(
      ddcotermShell(
        "-q",
        "-t",
        "my title",
        "-i",
        "2.5",
        "--",
        "sh",
        "-c",
        `printf 'hello\\rHELLO\\n'; exit 3`,
      ),
      { env: { ...home.env, SECRET_LOOKING_VAR: "kept-out-of-the-header" } },
    );
    assertEquals(first.code, 3);
    const second = await runInTerminal(ddcotermShell("-q", "--", "true"), { env: home.env });
    assertEquals(second.code, 0);

    const listed = await runCommand(ddcotermArgv("sessions", "--json"), { env: home.env });
    assertEquals(listed.code, 0);
    const sessions = JSON.parse(decoder.decode(listed.stdout));
    assertEquals(sessions.length, 2);
    assertEquals(sessions[0].command, "true", "newest first");
    const older = sessions[1];
    assertEquals(older.command, String.raw`sh -c 'printf '\''hello\rHELLO\n'\''; exit 3'`);
    assertEquals(older.title, "my title");
    assertEquals(older.exitCode, 3);
    assertEquals(older.mode, "pty");
    assertEquals(older.bytes.output, "hello\rHELLO\r\n".length);
    for (const field of ["id", "user", "host", "cwd", "start", "end", "version"]) {
      assert(older[field], `meta.json has ${field}`);
    }

    const dir = `${home.env.DDCOTERM_HOME}/sessions/${older.id}`;
    const { header } = readCastFile(`${dir}/session.cast`);
    const raw = JSON.parse(Deno.readTextFileSync(`${dir}/session.cast`).split("\n")[0]);
    assertEquals(header.version, 3);
    assertEquals(raw.title, "my title");
    assertEquals(raw.idle_time_limit, 2.5);
    assertEquals(raw.command, older.command);
    // The environment in the header is SHELL and TERM only, never the whole environment.
    assertEquals(Object.keys(raw.env).sort(), ["SHELL", "TERM"].filter((k) => home.env[k]));

    const table = await runCommand(ddcotermArgv("sessions"), { env: home.env });
    assertStringIncludes(decoder.decode(table.stdout), older.id);

    // A unique prefix of the id is enough; the text export is what a person saw.
    const prefix = older.id.slice(0, 20);
    const text = await runCommand(ddcotermArgv("export", prefix, "--format", "txt"), {
      env: home.env,
    });
    assertEquals(text.code, 0);
    assertStringIncludes(decoder.decode(text.stdout), "HELLO");
    assert(!decoder.decode(text.stdout).includes("hello"), "txt shows the screen, not the bytes");

    const v2File = `${home.home}/out.cast`;
    const v2 = await runCommand(
      ddcotermArgv("export", prefix, "--format", "asciicast-v2", "-o", v2File),
      { env: home.env },
    );
    assertEquals(v2.code, 0);
    assertEquals(JSON.parse(Deno.readTextFileSync(v2File).split("\n")[0]).version, 2);

    // A prefix two sessions share is refused, naming both.
    let shared = 0;
    while (sessions[0].id[shared] === older.id[shared]) shared++;
    const ambiguous = await runCommand(ddcotermArgv("export", older.id.slice(0, shared)), {
      env: home.env,
    });
    assert(ambiguous.code !== 0, "an ambiguous prefix must fail");
    assertStringIncludes(ambiguous.stderr, "ambiguous");
  } finally {
    home.cleanup();
  }
});
