/**
 * A minimal recorder for tests: traces `command` in `mode` and prints one JSON line per event
 * and notice on stdout (the mode in effect first). The command's stdout is dropped, its
 * stderr passed on. `--pty` spawns it as the recorder does in a terminal (through src/pty, the
 * supervisor on the event loop); without, through Deno.Command (the supervisor in a Worker).
 *
 *   deno run -A trace_driver.ts MODE [--pty] -- command...
 */
import { closeFd, openPty, spawnInPty, waitForExit } from "../../pty/mod.ts";
import { prepareTracing, type TraceMode } from "../mod.ts";

const mode = Deno.args[0] as TraceMode;
const pty = Deno.args.slice(0, Deno.args.indexOf("--")).includes("--pty");
const target = Deno.args.slice(Deno.args.indexOf("--") + 1);
const drainer = new URL("../drain_main.ts", import.meta.url).pathname;
const self = [Deno.execPath(), "run", "-A", "--no-check", drainer];
const print = (line: unknown) => console.log(JSON.stringify(line));

const prep = prepareTracing(mode);
let pid: number;
let status: Promise<number>;
if (pty) {
  const terminal = await openPty({ cols: 80, rows: 24 });
  prep.beforeSpawn();
  pid = await spawnInPty(terminal, target[0], target, Deno.env.toObject());
  await closeFd(terminal.slave);
  // Drain the terminal so the command never blocks writing to it.
  const reader = new (await import("node:tty")).ReadStream(terminal.master);
  reader.on("error", () => {});
  reader.on("data", () => {});
  status = waitForExit(pid).then((s) => s.code ?? 128 + (s.signal ?? 0));
} else {
  prep.beforeSpawn({ blocking: true });
  const child = new Deno.Command(target[0], {
    args: target.slice(1),
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  pid = child.pid;
  status = child.status.then((s) => s.code);
}
const trace = prep.start(pid, {
  onExec: (event) => print({ type: "exec", ...event }),
  onExit: (event) => print({ type: "exit", ...event }),
  onNotice: (notice) => print({ type: "notice", ...notice }),
}, { self });
print({ type: "mode", mode: trace.mode, top: pid });
const code = await status;
await trace.stop({ code });
Deno.exit(code);
