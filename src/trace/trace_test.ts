import { assert, assertEquals, assertMatch } from "@ddcoterm/assert";
import type { ExecEvent, ExitEvent, TraceNotice } from "./mod.ts";
import { TRUNCATION_MARKER } from "./mod.ts";

const driver = new URL("./testdata/trace_driver.ts", import.meta.url).pathname;

interface DriverRun {
  mode: string;
  top: number;
  execs: ExecEvent[];
  exits: ExitEvent[];
  notices: TraceNotice[];
  stderr: string;
  code: number;
}

function parse(stdout: string): Omit<DriverRun, "stderr" | "code"> {
  const run: Omit<DriverRun, "stderr" | "code"> = {
    mode: "",
    top: 0,
    execs: [],
    exits: [],
    notices: [],
  };
  for (const line of stdout.split("\n").filter((l) => l.startsWith("{"))) {
    const { type, ...rest } = JSON.parse(line);
    if (type === "exec") run.execs.push(rest);
    else if (type === "exit") run.exits.push(rest);
    else if (type === "notice") run.notices.push(rest);
    else if (type === "mode") Object.assign(run, rest);
  }
  return run;
}

/**
 * Runs the test driver (a minimal recorder) as `prefix` says: directly, or as another user. The
 * command runs in a pty as in a terminal session, or through Deno.Command with `pipe`.
 */
async function trace(
  mode: string,
  command: string[],
  options: { cwd?: string; prefix?: string[]; env?: Record<string, string>; pipe?: boolean } = {},
): Promise<DriverRun> {
  const argv = [
    ...(options.prefix ?? []),
    Deno.execPath(),
    "run",
    "-A",
    "--no-check",
    driver,
    mode,
    ...(options.pipe ? [] : ["--pty"]),
    "--",
    ...command,
  ];
  const output = await new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: options.cwd,
    env: options.env,
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { ...parse(decode(output.stdout)), stderr: decode(output.stderr), code: output.code };
}

const key = (e: ExecEvent) => JSON.stringify([e.argv, e.cwd]);

Deno.test("seccomp tracing records exactly the commands a bash script runs, with their cwd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ddcoterm-trace-" });
  try {
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(`${dir}/inner.sh`, "#!/bin/sh\ncat /dev/null\n", { mode: 0o755 });
    await Deno.writeTextFile(
      `${dir}/outer.sh`,
      "#!/bin/sh\n./inner.sh arg1\nenv FOO=1 /bin/echo done\n",
      { mode: 0o755 },
    );
    await Deno.writeTextFile(
      `${dir}/session.sh`,
      [
        "echo one | tr a-z A-Z | cat",
        "(cd sub && /bin/ls)",
        "sleep 0.1 &",
        "wait",
        "no-such-command-xyz 2>/dev/null",
        "env no-such-command-xyz 2>/dev/null",
        "env cat /dev/null",
        "./outer.sh",
        "true",
        "/bin/true",
        "exit 7",
        "",
      ].join("\n"),
    );
    const run = await trace("seccomp", ["bash", "session.sh"], { cwd: dir });
    assertEquals(run.mode, "seccomp");
    assertEquals(run.notices, []);
    const expected = [
      [["bash", "session.sh"], dir],
      [["tr", "a-z", "A-Z"], dir],
      [["cat"], dir],
      [["/bin/ls"], `${dir}/sub`],
      [["sleep", "0.1"], dir],
      [["env", "no-such-command-xyz"], dir],
      [["env", "cat", "/dev/null"], dir],
      [["cat", "/dev/null"], dir], // env's execvp: only the PATH entry that exists
      [["./outer.sh"], dir],
      [["./inner.sh", "arg1"], dir],
      [["cat", "/dev/null"], dir],
      [["env", "FOO=1", "/bin/echo", "done"], dir],
      [["/bin/echo", "done"], dir],
      [["/bin/true"], dir],
    ].map(([argv, cwd]) => JSON.stringify([argv, cwd])).sort();
    assertEquals(run.execs.map(key).sort(), expected);

    const top = run.execs.find((e) => e.pid === run.top)!;
    assertMatch(top.path, /\/bash$/);
    assertEquals(top.ppid > 0, true);
    assertEquals(top.uid, Deno.uid());
    const outer = run.execs.find((e) => e.argv[0] === "./outer.sh")!;
    assertEquals(outer.path, `${dir}/outer.sh`);
    const inner = run.execs.find((e) => e.argv[0] === "./inner.sh")!;
    assertEquals(inner.ppid, outer.pid);
    const envCat = run.execs.find((e) => e.argv.join(" ") === "env cat /dev/null")!;
    const cat = run.execs.find((e) => e.pid === envCat.pid && e.argv[0] === "cat")!;
    assertMatch(cat.path, /^\/(usr\/)?bin\/cat$/);
    assertEquals(run.exits.find((e) => e.pid === run.top)?.code, 7);
    assertEquals(run.code, 7);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("seccomp tracing cuts a very long argv and marks it", async () => {
  const run = await trace("seccomp", ["bash", "-c", "/bin/true $(seq 1 30000); exit 0"]);
  const long = run.execs.find((e) => e.argv[0] === "/bin/true")!;
  assertEquals(long.truncated, true);
  assertEquals(long.argv.at(-1), TRUNCATION_MARKER);
  assertEquals(long.argv[1], "1");
  assert(long.argv.join(" ").length <= 70 * 1024);
});

Deno.test("a pty session outlasting the loop's move to a Worker records every exec exactly once", async () => {
  // 500 execs over about a second: some answered on the main thread, the rest by the Worker.
  const script = "for ((i = 1; i <= 500; i++)); do /bin/true $i; " +
    "if ((i % 50 == 0)); then /bin/sleep 0.1; fi; done; exit 3";
  const run = await trace("seccomp", ["bash", "-c", script]);
  assertEquals(run.mode, "seccomp");
  assertEquals(run.notices, []);
  const numbers = run.execs.filter((e) => e.argv[0] === "/bin/true").map((e) => Number(e.argv[1]));
  assertEquals(numbers.sort((a, b) => a - b), Array.from({ length: 500 }, (_, i) => i + 1));
  assertEquals(run.execs.filter((e) => e.argv[0] === "/bin/sleep").length, 10);
  assertEquals(run.execs.length, 511);
  // Exits of processes watched before the move are still reported.
  assertEquals(new Set(run.exits.map((e) => e.pid)).size, run.exits.length);
  assert(run.exits.length >= 510);
  assertEquals(run.exits.find((e) => e.pid === run.top)?.code, 3);
});

Deno.test("seccomp tracing of a command spawned by Deno.Command sees the command and its children", async () => {
  const run = await trace("seccomp", ["bash", "-c", "/bin/true; /bin/echo x | cat; exit 4"], {
    pipe: true,
  });
  assertEquals(run.mode, "seccomp");
  assertEquals(run.notices, []);
  assertEquals(
    run.execs.map((e) => e.argv.join(" ")).slice(1).sort(),
    ["/bin/echo x", "/bin/true", "cat"],
  );
  const top = run.execs.find((e) => e.pid === run.top)!;
  assertMatch(top.path, /\/bash$/);
  assertEquals(top.argv.slice(1), ["-c", "/bin/true; /bin/echo x | cat; exit 4"]);
  assertEquals(run.exits.find((e) => e.pid === run.top)?.code, 4);
  assertEquals(run.code, 4);
});

Deno.test("a recorder inside a traced session continues untraced and says so once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ddcoterm-trace-" });
  try {
    const inner = [Deno.execPath(), "run", "-A", "--no-check", driver, "seccomp", "--pty", "--"];
    const script = `${inner.join(" ")} bash -c '/bin/true; /bin/true; exit 0' > inner.jsonl`;
    const outer = await trace("seccomp", ["bash", "-c", script], { cwd: dir });
    // The outer trace still sees what the inner session runs.
    assertEquals(outer.execs.filter((e) => e.argv[0] === "/bin/true").length, 2);
    const run = parse(await Deno.readTextFile(`${dir}/inner.jsonl`));
    assertEquals(run.mode, "off");
    assertEquals(run.notices.map((n) => n.kind), ["nested"]);
    assertEquals(run.execs, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("processes that outlive the recording can still run programs, and the drainer then ends", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ddcoterm-trace-" });
  try {
    const run = await trace("seccomp", [
      "bash",
      "-c",
      "(sleep 0.5; /bin/true && /bin/touch after) 2>/dev/null & exit 0",
    ], { cwd: dir, pipe: true });
    assertEquals(run.mode, "seccomp");
    const recorder = run.execs.find((e) => e.pid === run.top)!.ppid;
    assertEquals(drainers(recorder).length, 1);
    assert(
      await waitFor(() => exists(`${dir}/after`), 3000),
      "the background job could not exec after the session",
    );
    assert(await waitFor(() => drainers(recorder).length === 0, 4000), "the drainer lingers");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("drainers of two overlapping sessions do not keep each other alive", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ddcoterm-trace-" });
  try {
    // Each session ends while the other's filter is installed, leaving a job behind: each
    // drainer then sees the other, a process started after its filter, carrying a filter.
    const job = (name: string) =>
      `(sleep 1.5; /bin/true && /bin/touch ${name}) 2>/dev/null & sleep 1; exit 0`;
    const [a, b] = await Promise.all([
      trace("seccomp", ["bash", "-c", job("a")], { cwd: dir, pipe: true }),
      trace("seccomp", ["bash", "-c", job("b")], { cwd: dir, pipe: true }),
    ]);
    const recorders = [a, b].map((run) => run.execs.find((e) => e.pid === run.top)!.ppid);
    assert(
      await waitFor(async () => await exists(`${dir}/a`) && await exists(`${dir}/b`), 4000),
      "the jobs could not exec after their sessions",
    );
    assert(
      await waitFor(() => recorders.every((r) => drainers(r).length === 0), 5000),
      "the drainers linger",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a nohup job outlives a pty session and still runs programs", async () => {
  const dir = await Deno.makeTempDir({ prefix: "ddcoterm-trace-" });
  try {
    const job = "sleep 0.3; /bin/touch after";
    // The pause lets nohup ignore SIGHUP before the session leader's exit sends it.
    const command = `nohup sh -c '${job}' >/dev/null 2>&1 & sleep 0.1`;
    const run = await trace("seccomp", ["bash", "-c", command], { cwd: dir });
    assertEquals(run.mode, "seccomp");
    assert(await waitFor(() => exists(`${dir}/after`), 3000), "the nohup job could not exec");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a session whose processes have all ended starts no drainer", async () => {
  const run = await trace("seccomp", ["bash", "-c", "/bin/true"]);
  assertEquals(drainers(run.execs[0].ppid), []);
});

/** Drainers (`__trace-drain … RECORDER`) started by the recorder with that pid. */
function drainers(recorder: number): number[] {
  const found: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const argv = Deno.readTextFileSync(`/proc/${entry.name}/cmdline`).split("\0");
      if (argv.includes("__trace-drain") && argv.at(-2) === `${recorder}`) {
        found.push(Number(entry.name));
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

async function waitFor(test: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

Deno.test("proc mode catches a one-second sleep with its exit", async () => {
  const run = await trace("proc", ["bash", "-c", "sleep 1; exit 3"]);
  assertEquals(run.mode, "proc");
  const sleep = run.execs.find((e) => e.argv.join(" ") === "sleep 1");
  assert(sleep, `no sleep in ${JSON.stringify(run.execs)}`);
  assertMatch(sleep.path, /\/sleep$/);
  assertEquals(run.exits.find((e) => e.pid === sleep.pid)?.code, 0);
  assertEquals(run.exits.find((e) => e.pid === run.top)?.code, 3);
});

Deno.test("ptrace mode falls back to proc with one notice", async () => {
  const run = await trace("ptrace", ["bash", "-c", "sleep 0.3"]);
  assertEquals(run.mode, "proc");
  assertEquals(run.notices.map((n) => n.kind), ["fallback"]);
});

const TEST_USER = "ddcoterm-trace-test";

/** A non-root user to run as, and sudo; null when this machine cannot provide them. */
async function nonRootSetup(): Promise<{ prefix: string[]; env: Record<string, string> } | null> {
  if (Deno.uid() !== 0) return null;
  const run = (cmd: string[]) =>
    new Deno.Command(cmd[0], { args: cmd.slice(1), stdout: "null", stderr: "null" }).output();
  if (!(await run(["id", TEST_USER])).success) {
    await run(["useradd", "--system", "--no-create-home", "--shell", "/bin/sh", TEST_USER]);
  }
  if (!(await run(["sh", "-c", "command -v sudo"])).success) {
    const env = { DEBIAN_FRONTEND: "noninteractive" };
    const install = () =>
      new Deno.Command("apt-get", { args: ["install", "-y", "-qq", "sudo"], env }).output();
    if (!(await install()).success) {
      await run(["apt-get", "update", "-qq"]);
      await install();
    }
  }
  const id = async (flag: string) =>
    Number(
      new TextDecoder().decode(
        (await new Deno.Command("id", { args: [flag, TEST_USER] }).output()).stdout,
      ),
    );
  const [uid, gid] = [await id("-u"), await id("-g")];
  if (!Number.isFinite(uid) || !(await run(["sh", "-c", "command -v sudo"])).success) return null;
  // Deno needs a cache directory the user may write.
  const home = await Deno.makeTempDir({ prefix: "ddcoterm-trace-home-" });
  await Deno.chown(home, uid, gid);
  return {
    prefix: ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--clear-groups", "--"],
    env: {
      HOME: home,
      DENO_DIR: `${home}/deno`,
      PATH: "/usr/local/bin:/usr/bin:/bin",
      TMPDIR: home,
    },
  };
}

Deno.test("seccomp tracing as a non-root user hints once why sudo fails, and proc mode keeps sudo working", async () => {
  const setup = await nonRootSetup();
  if (!setup) {
    console.log("skipped: needs root to create a user and install sudo");
    return;
  }
  try {
    const run = await trace("seccomp", ["bash", "-c", "sudo -n true; sudo -n true; exit 0"], {
      ...setup,
      cwd: "/",
      pipe: true,
    });
    assertEquals(run.mode, "seccomp");
    assertEquals(run.notices.map((n) => n.kind), ["setuid_blocked"]);
    assertMatch(run.notices[0].message, /"sudo".*--process-info=proc/);
    // sudo's own error still shows.
    assertMatch(run.stderr, /no new privileges/);
    assertEquals(run.execs.filter((e) => e.argv[0] === "sudo").length, 2);
    assert(run.execs.every((e) => e.uid !== 0));

    const proc = await trace("proc", ["bash", "-c", "sudo -n true; exit 0"], {
      ...setup,
      cwd: "/",
      pipe: true,
    });
    assertEquals(proc.notices, []);
    // sudo ran with its privileges: it got as far as asking for a password.
    assertMatch(proc.stderr, /password is required/);
  } finally {
    await Deno.remove(setup.env.HOME, { recursive: true });
  }
});
