import { assert, assertEquals, assertStringIncludes } from "@ddcoterm/assert";
import { assertSameBytes, outputBytes, readCastFile } from "../lib/cast.ts";
import {
  ddcotermArgv,
  ddcotermShell,
  onlySessionDir,
  runCommand,
  runInTerminal,
  sessionDirs,
  tempHome,
} from "../lib/run.ts";

function fixtureBytes(): Uint8Array {
  const parts: number[] = [];
  for (let round = 0; round < 40; round++) for (let b = 0; b < 256; b++) parts.push(b);
  const text = new TextEncoder().encode(
    "héllo wörld ✓ 😀 日本語 \u0301combining\n" +
      Array.from({ length: 200 }, (_, i) => `\rprogress ${i}%`).join("") + "\r\n",
  );
  parts.push(...text);
  // A cut multi-byte character and a trailer with no newline, written just before exit.
  parts.push(0xe2, 0x9c, 0x41, 0xf0, 0x9f, 0x98);
  parts.push(...new TextEncoder().encode("last bytes before exit"));
  return new Uint8Array(parts);
}

Deno.test("exit codes of the child propagate through the pty", async () => {
  const home = tempHome();
  try {
    const cases: [string, number][] = [
      ["exit 0", 0],
      ["exit 3", 3],
      ["kill -INT $$", 130],
      ["kill -KILL $$", 137],
    ];
    for (const [script, expected] of cases) {
      const { code } = await runInTerminal(
        `${ddcotermShell("-q", "--", "bash", "-c", script)}`,
        { env: home.env },
      );
      assertEquals(code, expected, `bash -c '${script}'`);
    }
    const codes = sessionDirs(home).map((d) =>
      JSON.parse(Deno.readTextFileSync(`${d}/meta.json`)).exitCode
    );
    assertEquals(codes, [0, 3, 130, 137]);
  } finally {
    home.cleanup();
  }
});

Deno.test("a child killed by a core-dumping signal is reported by the shell as for the bare command", async () => {
  const home = tempHome();
  try {
    const line = (command: string) =>
      `ulimit -c 0; ${command} sh -c 'kill -SEGV $$'; echo "status=$?"`;
    const bare = await runCommand(["bash", "-c", line("")], { cwd: home.home });
    const result = await runCommand(["bash", "-c", line(ddcotermShell("-q", "--"))], {
      env: home.env,
      cwd: home.home,
    });
    for (const run of [bare, result]) {
      assertEquals(new TextDecoder().decode(run.stdout), "status=139\n");
      assertStringIncludes(run.stderr, "Segmentation fault");
    }
    assert(!result.stderr.includes("core dumped"), result.stderr);
    const cores = [...Deno.readDirSync(home.home)].filter((e) => e.name.startsWith("core"));
    assertEquals(cores, [], "no core file");
  } finally {
    home.cleanup();
  }
});

Deno.test("binary, UTF-8 and carriage-return output is recorded byte for byte in a pty", async () => {
  const home = tempHome();
  try {
    const fixture = fixtureBytes();
    const path = `${home.home}/fixture.bin`;
    Deno.writeFileSync(path, fixture);
    const { code } = await runInTerminal(
      ddcotermShell("-q", "--", "bash", "-c", `stty -opost; cat ${path}`),
      { env: home.env },
    );
    assertEquals(code, 0);
    const { header, events } = readCastFile(`${onlySessionDir(home)}/session.cast`);
    assertEquals(header.version, 3);
    assertSameBytes(outputBytes(events), fixture, "recorded output");
    assertEquals(events.at(-1), { ...events.at(-1)!, code: "x", data: "0" });
  } finally {
    home.cleanup();
  }
});

Deno.test("the user's terminal receives exactly the bytes the bare command gives it", async () => {
  const home = tempHome();
  try {
    // Newlines are translated once, by the session's pty, as on a bare terminal: a second
    // pass on the user's terminal would turn "\r\n" into "\r\r\n".
    const command = `printf 'one\\ntwo\\r\\nthree\\n\\033[1mbold\\033[0m'`;
    const bare = await runInTerminal(command, { env: home.env });
    const recorded = await runInTerminal(ddcotermShell("-q", "--", "sh", "-c", command), {
      env: home.env,
    });
    assertEquals(recorded.code, 0);
    assertSameBytes(recorded.stdout, bare.stdout, "terminal output");
    assertStringIncludes(new TextDecoder().decode(bare.stdout), "one\r\ntwo\r\r\nthree");
  } finally {
    home.cleanup();
  }
});

Deno.test("-o writes the same recording to a second file", async () => {
  const home = tempHome();
  try {
    const fixture = fixtureBytes();
    const path = `${home.home}/fixture.bin`;
    const extra = `${home.home}/copy.cast`;
    Deno.writeFileSync(path, fixture);
    const { code } = await runInTerminal(
      ddcotermShell("-q", "-o", extra, "--", "bash", "-c", `stty -opost; cat ${path}`),
      { env: home.env },
    );
    assertEquals(code, 0);
    const session = Deno.readFileSync(`${onlySessionDir(home)}/session.cast`);
    assertSameBytes(Deno.readFileSync(extra), session, "the -o copy");
    assertSameBytes(outputBytes(readCastFile(extra).events), fixture, "output in the -o copy");
  } finally {
    home.cleanup();
  }
});

Deno.test("a large burst of output is complete in the cast, including its last bytes", async () => {
  const home = tempHome();
  try {
    const script = "stty -opost; head -c 12000000 /dev/urandom | base64 > data.txt; " +
      "cat data.txt; printf END";
    const { code } = await runInTerminal(
      `cd ${home.home} && ${ddcotermShell("-q", "--", "bash", "-c", script)}`,
      { env: home.env },
    );
    assertEquals(code, 0);
    const expected = Deno.readFileSync(`${home.home}/data.txt`);
    const recorded = outputBytes(readCastFile(`${onlySessionDir(home)}/session.cast`).events);
    const withEnd = new Uint8Array([...new TextEncoder().encode("END")]);
    const all = new Uint8Array(expected.length + 3);
    all.set(expected);
    all.set(withEnd, expected.length);
    assertSameBytes(recorded, all, "recorded output");
    assertLinesFitUploadChunks(`${onlySessionDir(home)}/session.cast`);
  } finally {
    home.cleanup();
  }
});

/** Every line of a cast must fit in one upload chunk (256 KiB): the uploader cannot split one. */
function assertLinesFitUploadChunks(cast: string): void {
  const longest = Math.max(...Deno.readTextFileSync(cast).split("\n").map((l) => l.length));
  assert(longest < 256 * 1024 / 2, `a cast line of ${longest} characters`);
}

Deno.test("binary output through pipes is recorded in events that fit upload chunks", async () => {
  const home = tempHome();
  try {
    // Random bytes: most need a six-byte escape in JSON.
    const result = await runCommand(
      ddcotermArgv("-q", "--", "sh", "-c", "head -c 3000000 /dev/urandom"),
      { env: home.env },
    );
    assertEquals(result.code, 0);
    assertEquals(result.stdout.length, 3_000_000);
    const cast = `${onlySessionDir(home)}/session.cast`;
    assertLinesFitUploadChunks(cast);
    // Output split into several events still has increasing times (seek points rely on it).
    const times = readCastFile(cast).events.filter((e) => e.code === "o").map((e) => e.time);
    assert(times.every((t, i) => i === 0 || t > times[i - 1]), "event times must increase");
  } finally {
    home.cleanup();
  }
});

Deno.test("without a terminal, stdout and stderr pass through as two exact streams", async () => {
  const home = tempHome();
  try {
    const fixture = fixtureBytes();
    Deno.writeFileSync(`${home.home}/fixture.bin`, fixture);
    const result = await runCommand(
      ddcotermArgv("-q", "--", "bash", "-c", `cat fixture.bin; echo to-stderr >&2; exit 4`),
      { env: home.env, cwd: home.home },
    );
    assertEquals(result.code, 4);
    assertSameBytes(result.stdout, fixture, "stdout");
    assertEquals(result.stderr, "to-stderr\n");
    const dir = onlySessionDir(home);
    const meta = JSON.parse(Deno.readTextFileSync(`${dir}/meta.json`));
    assertEquals(meta.mode, "pipe");
    assertEquals(meta.exitCode, 4);
    const recorded = new TextDecoder().decode(
      outputBytes(readCastFile(`${dir}/session.cast`).events),
    );
    assertStringIncludes(recorded, "to-stderr\r\n");
  } finally {
    home.cleanup();
  }
});

Deno.test("without a terminal, the child reads the same stdin", async () => {
  const home = tempHome();
  try {
    const input = "line one\nline two\n";
    const result = await runCommand(ddcotermArgv("-q", "--", "cat"), {
      env: home.env,
      stdin: input,
    });
    assertEquals(result.code, 0);
    assertEquals(new TextDecoder().decode(result.stdout), input);
  } finally {
    home.cleanup();
  }
});

Deno.test("a closed pipe stops the child with SIGPIPE, as for the bare command", async () => {
  const home = tempHome();
  try {
    const line = `${ddcotermShell("-q", "--", "seq", "1", "10000000")} | head -1; ` +
      `echo "status=\${PIPESTATUS[0]}"`;
    const bare = await runCommand([
      "bash",
      "-c",
      `seq 1 10000000 | head -1; echo "status=\${PIPESTATUS[0]}"`,
    ]);
    const result = await runCommand(["bash", "-c", line], { env: home.env });
    assertEquals(new TextDecoder().decode(result.stdout), new TextDecoder().decode(bare.stdout));
    assertEquals(new TextDecoder().decode(result.stdout), "1\nstatus=141\n");
  } finally {
    home.cleanup();
  }
});

Deno.test("the child starts with the signal dispositions and mask the bare command gets", async () => {
  const home = tempHome();
  try {
    // Ignored signals stay ignored across exec (nohup, trap ''): the child must see them so.
    const probe = `grep -E '^Sig(Ign|Blk)' /proc/self/status`;
    const under = (command: string) => `trap '' HUP USR1; exec ${command}`;
    const bare = parseSignalLines(
      new TextDecoder().decode((await runCommand(["sh", "-c", under(probe)])).stdout),
    );
    const HUP_USR1 = (1n << 0n) | (1n << 9n);
    assertEquals(bare.ignored & HUP_USR1, HUP_USR1, "the reference ignores HUP and USR1");
    // glibc's internal signals 32 and 33: this test's own spawns leave them ignored, a shell
    // does not, and ddcoterm cannot know which it had (glibc takes them over): default.
    const expected = {
      ignored: bare.ignored & ~((1n << 31n) | (1n << 32n)),
      blocked: bare.blocked,
    };

    const piped = await runCommand(
      ["sh", "-c", under(ddcotermShell("-q", "--", "sh", "-c", probe))],
      { env: home.env },
    );
    assertEquals(parseSignalLines(new TextDecoder().decode(piped.stdout)), expected, "pipes");

    const inPty = await runInTerminal(under(ddcotermShell("-q", "--", "sh", "-c", probe)), {
      env: home.env,
    });
    assertEquals(parseSignalLines(new TextDecoder().decode(inPty.stdout)), expected, "in a pty");
  } finally {
    home.cleanup();
  }
});

function parseSignalLines(text: string): { ignored: bigint; blocked: bigint } {
  const field = (name: string) => {
    const match = text.match(new RegExp(`${name}:\\s*([0-9a-f]+)`));
    assert(match, `${name} in ${JSON.stringify(text)}`);
    return BigInt(`0x${match[1]}`);
  };
  return { ignored: field("SigIgn"), blocked: field("SigBlk") };
}

Deno.test("a missing program fails like a shell would, with exit code 127", async () => {
  const home = tempHome();
  try {
    const result = await runCommand(ddcotermArgv("--", "no-such-program-xyz"), { env: home.env });
    assertEquals(result.code, 127);
    assertEquals(result.stderr, "ddcoterm: no-such-program-xyz: command not found\n");
    assertEquals(sessionDirs(home).length, 0);
  } finally {
    home.cleanup();
  }
});

Deno.test("the legacy form `-- COMMAND prog` drops the literal word COMMAND", async () => {
  const home = tempHome();
  try {
    const result = await runCommand(ddcotermArgv("-q", "--", "COMMAND", "echo", "hi"), {
      env: home.env,
    });
    assertEquals(result.code, 0);
    assertEquals(new TextDecoder().decode(result.stdout), "hi\n");
  } finally {
    home.cleanup();
  }
});

Deno.test("kill -9 of ddcoterm mid-session leaves a parseable cast with what arrived", async () => {
  const home = tempHome();
  try {
    const child = new Deno.Command(DENO_ARGV()[0], {
      args: [
        ...DENO_ARGV().slice(1),
        "-q",
        "--",
        "bash",
        "-c",
        "for i in $(seq 1 100000); do echo line $i; sleep 0.001; done",
      ],
      env: home.env,
      clearEnv: true,
      stdout: "piped",
      stderr: "null",
    }).spawn();
    const reader = child.stdout.getReader();
    let seen = "";
    while (!seen.includes("line 300\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`ddcoterm ended early; it printed: ${seen.slice(-300)}`);
      seen += new TextDecoder().decode(value);
    }
    // Let the flush tick pass so the lines seen are on disk, then kill without warning.
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGKILL");
    await child.status;
    await reader.cancel();
    const dir = onlySessionDir(home);
    const { header, events } = readCastFile(`${dir}/session.cast`);
    assertEquals(header.version, 3);
    const text = new TextDecoder().decode(outputBytes(events));
    for (let i = 1; i <= 300; i++) assert(text.includes(`line ${i}\r\n`), `line ${i} missing`);
  } finally {
    home.cleanup();
  }
});

function DENO_ARGV(): string[] {
  return ddcotermArgv();
}

Deno.test("--save-level logs keeps the text a person saw; --save-level none records nothing", async () => {
  const home = tempHome();
  try {
    const script = 'printf "one\\ntwo\\r\\033[Kthree\\n"';
    const logged = await runCommand(
      ddcotermArgv("-q", "--save-level", "logs", "--", "bash", "-c", script),
      {
        env: home.env,
      },
    );
    assertEquals(logged.code, 0, logged.stderr);
    const lines = Deno.readTextFileSync(`${onlySessionDir(home)}/logs.jsonl`).trim().split("\n")
      .map((l) => JSON.parse(l).text);
    assertEquals(lines, ["one", "three"]);
    const unrecorded = await runCommand(
      ddcotermArgv("--save-level", "none", "--", "echo", "plain"),
      {
        env: home.env,
      },
    );
    assertEquals(new TextDecoder().decode(unrecorded.stdout), "plain\n");
    assertEquals(unrecorded.stderr, "");
    assertEquals(sessionDirs(home).length, 1);
  } finally {
    home.cleanup();
  }
});
