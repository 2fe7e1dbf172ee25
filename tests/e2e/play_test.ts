import { assert, assertEquals } from "@ddcoterm/assert";
import { assertSameBytes, outputBytes, readCastFile } from "../lib/cast.ts";
import { ddcotermShell, onlySessionDir, runInTerminal, tempHome } from "../lib/run.ts";
import { Tmux } from "../lib/tmux.ts";

Deno.test("play replays a recording to the terminal byte for byte", async () => {
  const home = tempHome();
  try {
    const command = `printf 'one\\ntwo\\r\\n\\033[1mbold\\033[0m ✓\\n'; sleep 0.3; printf 'last'`;
    const recorded = await runInTerminal(ddcotermShell("-q", "--", "sh", "-c", command), {
      env: home.env,
    });
    assertEquals(recorded.code, 0);
    const dir = onlySessionDir(home);
    const expected = outputBytes(readCastFile(`${dir}/session.cast`).events);

    // By id prefix, fast: the terminal gets exactly what the recording holds, as it got it.
    const id = dir.split("/").at(-1)!;
    const played = await runInTerminal(ddcotermShell("play", "-s", "20", id.slice(0, 12)), {
      env: home.env,
    });
    assertEquals(played.code, 0);
    assertSameBytes(played.stdout, expected, "played output");
    assertSameBytes(played.stdout, recorded.stdout, "what the terminal showed when recording");
  } finally {
    home.cleanup();
  }
});

Deno.test("in a real terminal, space pauses play, '.' steps one event, ctrl-c quits", async () => {
  const home = tempHome();
  try {
    const command = "printf 'first\\n'; sleep 1; printf 'second\\n'; sleep 1; printf 'third\\n'";
    await runInTerminal(ddcotermShell("-q", "--", "sh", "-c", command), { env: home.env });
    const id = onlySessionDir(home).split("/").at(-1)!;
    const tmux = await Tmux.start("env PS1='$ ' bash --norc --noprofile", { env: home.env });
    try {
      await tmux.waitForScreen(/\$ ?$/m);
      await tmux.type(`${ddcotermShell("play", id)}; echo rc=$?`);
      await tmux.keys("Enter");
      await tmux.waitForScreen(/^first$/m);
      await tmux.keys("Space");
      // Paused: the next event, due a second later, does not come.
      await new Promise((resolve) => setTimeout(resolve, 1600));
      assert(!(await tmux.screen()).includes("second"), "a paused player went on");
      await tmux.keys(".");
      await tmux.waitForScreen(/^second$/m);
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert(!(await tmux.screen()).includes("third"), "a step went on past one event");
      await tmux.keys("C-c");
      const screen = await tmux.waitForScreen(/^rc=0$/m);
      assert(!screen.includes("third"), "ctrl-c did not stop the player");
    } finally {
      await tmux.kill();
    }
  } finally {
    home.cleanup();
  }
});
