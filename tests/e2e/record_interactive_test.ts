import { assert, assertEquals, assertMatch, assertStringIncludes } from "@ddcoterm/assert";
import { outputText, readCastFile } from "../lib/cast.ts";
import { ddcotermShell, onlySessionDir, tempHome } from "../lib/run.ts";
import { Tmux } from "../lib/tmux.ts";

Deno.test("an interactive bash session in a real terminal behaves as on a bare terminal", async () => {
  const home = tempHome();
  const longFile = `${home.home}/long.txt`;
  Deno.writeTextFileSync(
    longFile,
    Array.from({ length: 200 }, (_, i) => `less line ${i + 1}`).join("\n") + "\n",
  );
  const tmux = await Tmux.start("env PS1='outer$ ' bash --norc --noprofile", {
    env: home.env,
    cols: 100,
    rows: 30,
  });
  try {
    await tmux.waitForScreen("outer$");
    await tmux.type(ddcotermShell());
    await tmux.keys("Enter");
    await tmux.waitForScreen("recording session");

    await tmux.type("stty size");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^30 100$/m);

    // ^C reaches the child through the pty: sleep dies of SIGINT, $? is 130.
    await tmux.type("sleep 30");
    await tmux.keys("Enter");
    await new Promise((r) => setTimeout(r, 300));
    await tmux.keys("C-c");
    await tmux.type("echo rc=$?");
    await tmux.keys("Enter");
    await tmux.waitForScreen("rc=130");

    // Job control: ^Z stops the job, fg resumes it.
    await tmux.type("sleep 31");
    await tmux.keys("Enter");
    await new Promise((r) => setTimeout(r, 300));
    await tmux.keys("C-z");
    await tmux.waitForScreen(/Stopped\s+sleep 31/);
    await tmux.type("fg");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^sleep 31$/m);
    await tmux.keys("C-c");
    await tmux.type("echo fg=$?");
    await tmux.keys("Enter");
    await tmux.waitForScreen("fg=130");

    // A resize reaches the child.
    await tmux.resize(120, 40);
    await new Promise((r) => setTimeout(r, 300));
    await tmux.type("stty size");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^40 120$/m);

    // A full-screen program enters and leaves the alternate screen.
    await tmux.type("echo before-less");
    await tmux.keys("Enter");
    await tmux.type(`less ${longFile}`);
    await tmux.keys("Enter");
    await tmux.waitForScreen("less line 1");
    await tmux.keys("q");
    const afterLess = await tmux.waitForScreen(/long\.txt\n[^\n]*[#$] ?$/m);
    assertStringIncludes(afterLess, "before-less");
    assert(!afterLess.includes("less line 5"), "less's screen must be gone after it quits");

    await tmux.type("exit 5");
    await tmux.keys("Enter");
    await tmux.waitForScreen("ended (exit 5)");
    await tmux.type("echo outer=$?");
    await tmux.keys("Enter");
    await tmux.waitForScreen("outer=5");

    // The user's terminal is sane again: canonical mode and echo are back.
    await tmux.type(
      "stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|isig|opost)' | tr '\\n' ' '",
    );
    await tmux.keys("Enter");
    const sane = await tmux.waitForScreen(/icanon.*echo|echo.*icanon/);
    assert(!/-icanon|-echo |-isig|-opost/.test(sane), `terminal left in raw mode:\n${sane}`);
    assertStringIncludes(sane, "opost");

    const dir = onlySessionDir(home);
    const { header, events } = readCastFile(`${dir}/session.cast`);
    assertEquals(header.version, 3);
    assertEquals(header.term, { cols: 100, rows: 30, type: "tmux-256color" });
    const resizes = events.filter((e) => e.code === "r").map((e) => e.data);
    assert(resizes.includes("120x40"), `resize events: ${resizes}`);
    const text = outputText(events);
    assertStringIncludes(text, "\x1b[?1049h");
    assertStringIncludes(text, "\x1b[?1049l");
    assertStringIncludes(text, "rc=130");
    assertEquals(events.at(-1)?.code, "x");
    assertEquals(events.at(-1)?.data, "5");
    assertEquals(
      events.filter((e) => e.code === "i").length,
      0,
      "input is not captured by default",
    );
    const meta = JSON.parse(Deno.readTextFileSync(`${dir}/meta.json`));
    assertEquals(meta.exitCode, 5);
    assertEquals(meta.mode, "pty");
    assertMatch(meta.end, /^\d{4}-/);
  } finally {
    await tmux.kill();
    home.cleanup();
  }
});

Deno.test("SIGTERM and SIGHUP sent to ddcoterm reach the child, and the terminal is restored", async () => {
  for (const signal of ["TERM", "HUP"]) {
    const home = tempHome();
    const tmux = await Tmux.start("env PS1='outer$ ' bash --norc --noprofile", { env: home.env });
    try {
      await tmux.waitForScreen(/outer\$ ?$/m);
      // The title marks ddcoterm's own command line (the child does not get it).
      const marker = `signal-test-${signal}-${crypto.randomUUID().slice(0, 8)}`;
      const child = `trap 'echo got-${signal}; exit 7' ${signal}; echo ready; ` +
        "while :; do sleep 0.1; done";
      await tmux.type(`${ddcotermShell("-q", "-t", marker, "--", "sh", "-c", child)}; echo rc=$?`);
      await tmux.keys("Enter");
      await tmux.waitForScreen(/^ready$/m);
      const kill = await new Deno.Command("pkill", { args: [`-${signal}`, "-f", marker] }).output();
      assert(kill.success, "pkill found no ddcoterm");
      await tmux.waitForScreen(new RegExp(`^got-${signal}$`, "m"));
      await tmux.waitForScreen(/^rc=7$/m);
      await tmux.type(
        "stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|opost)' | tr '\\n' ' '",
      );
      await tmux.keys("Enter");
      const sane = await tmux.waitForScreen(/icanon.*echo|echo.*icanon/);
      assert(!/-icanon|-echo |-opost/.test(sane), `terminal left raw after SIG${signal}:\n${sane}`);
      const { events } = readCastFile(`${onlySessionDir(home)}/session.cast`);
      assertEquals(events.at(-1)?.data, "7");
    } finally {
      await tmux.kill();
      home.cleanup();
    }
  }
});

Deno.test("started in the background, a session runs, then takes the terminal when brought to the foreground", async () => {
  const home = tempHome();
  const tmux = await Tmux.start("env PS1='outer$ ' bash --norc --noprofile", { env: home.env });
  try {
    await tmux.waitForScreen(/outer\$ ?$/m);
    // A bare background job runs until it reads the terminal; so must the recorded one (before,
    // setting the terminal raw stopped the whole job at once with SIGTTOU).
    const child = "echo started; sleep 0.5; echo still-running; read answer; echo got=$answer; " +
      "stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo|icrnl)' | tr '\\n' ' '; echo";
    await tmux.type(`${ddcotermShell("-q", "--", "sh", "-c", child)} &`);
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^still-running/m);
    await tmux.type("jobs");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/\[1\]\+\s+Running/);

    await tmux.type("fg");
    await tmux.keys("Enter");
    await new Promise((r) => setTimeout(r, 500));
    await tmux.type("hello");
    await tmux.keys("Enter");
    // The child's pty has a command's usual modes (line mode, echo), not the shell's line
    // editor's, which the terminal had when the job started.
    await tmux.waitForScreen(/^got=hello$/m);
    const modes = await tmux.waitForScreen(/^-?icrnl -?icanon -?echo ?$/m);
    assertMatch(modes, /^icrnl icanon echo ?$/m);
    await tmux.type("echo rc=$?");
    await tmux.keys("Enter");
    await tmux.waitForScreen(/^rc=0$/m);
    const { events } = readCastFile(`${onlySessionDir(home)}/session.cast`);
    assertStringIncludes(outputText(events), "got=hello");
  } finally {
    await tmux.kill();
    home.cleanup();
  }
});
