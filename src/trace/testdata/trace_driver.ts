/**
 * A minimal recorder for tests: traces `command` in `mode` and prints one JSON line per event
 * and notice on stdout (the mode in effect first). The command's stdout is dropped, its
 * stderr passed on.
 *
 *   deno run -A trace_driver.ts MODE -- command...
 */
import { startTracing, tracedArgv, type TraceMode } from "../mod.ts";

const mode = Deno.args[0] as TraceMode;
const target = Deno.args.slice(Deno.args.indexOf("--") + 1);
const launcher = new URL("../launcher_main.ts", import.meta.url).pathname;
const self = [Deno.execPath(), "run", "-A", "--no-check", launcher];
const print = (line: unknown) => console.log(JSON.stringify(line));

const argv = tracedArgv(mode, target, self);
const child = new Deno.Command(argv[0], {
  args: argv.slice(1),
  stdin: "null",
  stdout: "null",
  stderr: "inherit",
}).spawn();
const trace = await startTracing(mode, child.pid, {
  onExec: (event) => print({ type: "exec", ...event }),
  onExit: (event) => print({ type: "exit", ...event }),
  onNotice: (notice) => print({ type: "notice", ...notice }),
}, { self });
print({ type: "mode", mode: trace.mode, top: child.pid });
const status = await child.status;
await trace.stop({ code: status.code });
Deno.exit(status.code);
