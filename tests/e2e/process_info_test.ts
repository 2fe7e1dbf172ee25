import { assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import {
  ddcotermArgv,
  ddcotermShell,
  onlySessionDir,
  runCommand,
  runInTerminal,
  tempHome,
} from "../lib/run.ts";

interface ExecEvent {
  type: string;
  argv: string[];
  cwd: string;
  path: string;
}

function execs(dir: string): ExecEvent[] {
  return Deno.readTextFileSync(`${dir}/events.jsonl`).trim().split("\n").map((l) => JSON.parse(l))
    .filter((e) => e.type === "exec");
}

Deno.test("a recorded script yields exactly its programs, with argv and cwd, in a pty and through pipes", async () => {
  for (const mode of ["pty", "pipe"]) {
    const home = tempHome();
    try {
      const work = `${home.home}/work`;
      Deno.mkdirSync(`${work}/sub`, { recursive: true });
      Deno.writeTextFileSync(`${work}/inner.sh`, "#!/bin/sh\nexec date +%s >/dev/null\n", {
        mode: 0o755,
      });
      Deno.writeTextFileSync(
        `${work}/outer.sh`,
        [
          "#!/bin/bash",
          "printf 'a\\nb\\n' | sort | uniq -c >/dev/null",
          "(cd sub && pwd >/dev/null && /bin/true)",
          "sleep 0.1 &",
          "wait",
          "no-such-command-xyz 2>/dev/null",
          "./inner.sh",
          "exit 7",
        ].join("\n") + "\n",
        { mode: 0o755 },
      );
      const { code } = mode === "pty"
        ? await runInTerminal(`cd ${work} && ${ddcotermShell("-q", "--", "./outer.sh")}`, {
          env: home.env,
        })
        : await runCommand(ddcotermArgv("-q", "--", "./outer.sh"), { env: home.env, cwd: work });
      assertEquals(code, 7, mode);
      const seen = execs(onlySessionDir(home)).map((e) => `${e.argv.join(" ")} @${e.cwd}`).sort();
      assertEquals(
        seen,
        [
          `./inner.sh @${work}`,
          `./outer.sh @${work}`,
          `/bin/true @${work}/sub`,
          `date +%s @${work}`,
          `sleep 0.1 @${work}`,
          `sort @${work}`,
          `uniq -c @${work}`,
        ].sort(),
        mode,
      );
      assertEquals(
        JSON.parse(Deno.readTextFileSync(`${onlySessionDir(home)}/meta.json`)).mode,
        mode,
      );
    } finally {
      home.cleanup();
    }
  }
});

Deno.test("a recorder inside a traced recorder runs untraced and says so once", async () => {
  const home = tempHome();
  try {
    // A nested interactive session (a shell reading its commands from a pipe).
    const inner = `printf 'echo inner; /bin/true; /bin/true\\n' | ${ddcotermShell("-q")}`;
    const result = await runCommand(ddcotermArgv("-q", "--", "bash", "-c", inner), {
      env: home.env,
    });
    assertEquals(result.code, 0, result.stderr);
    assertEquals(new TextDecoder().decode(result.stdout), "inner\n");
    const notices = result.stderr.split("\n").filter((l) => l.includes("inside another traced"));
    assertEquals(notices.length, 1, result.stderr);
  } finally {
    home.cleanup();
  }
});

Deno.test("ddcoterm -- COMMAND inside a recorded session joins it: the outer session sees its programs", async () => {
  const home = tempHome();
  try {
    const inner = ddcotermShell("-q", "--", "bash", "-c", "/bin/echo joined");
    const result = await runCommand(ddcotermArgv("-q", "--", "bash", "-c", inner), {
      env: home.env,
    });
    assertEquals(new TextDecoder().decode(result.stdout), "joined\n");
    const argvs = execs(onlySessionDir(home)).map((e) => e.argv.join(" "));
    assertEquals(argvs.includes("/bin/echo joined"), true, argvs.join("\n"));
  } finally {
    home.cleanup();
  }
});

Deno.test("--process-info=proc records a sleep without seccomp", async () => {
  const home = tempHome();
  try {
    const result = await runCommand(
      ddcotermArgv("-q", "--process-info", "proc", "--", "bash", "-c", "sleep 1; echo done"),
      { env: home.env },
    );
    assertEquals(result.code, 0, result.stderr);
    const sleeps = execs(onlySessionDir(home)).filter((e) => e.argv[0] === "sleep");
    assertEquals(sleeps.map((e) => e.argv), [["sleep", "1"]]);
    const off = await runCommand(ddcotermArgv("-q", "--process-info", "off", "--", "true"), {
      env: home.env,
    });
    assertEquals(off.code, 0);
    assertStringIncludes(
      new TextDecoder().decode(
        Deno.readFileSync(
          `${home.env.DDCOTERM_HOME}/sessions/${
            [...Deno.readDirSync(`${home.env.DDCOTERM_HOME}/sessions`)].map((e) => e.name).sort()
              .at(-1)
          }/meta.json`,
        ),
      ),
      '"exitCode": 0',
    );
  } finally {
    home.cleanup();
  }
});
