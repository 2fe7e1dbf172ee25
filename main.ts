import { captureInheritedSignals } from "./src/pty/inherited_signals.ts";

// The trace drainer (processes that outlive a traced session) skips loading the CLI.
if (Deno.args[0] === "__trace-drain") {
  const { runDrain } = await import("./src/trace/drain.ts");
  runDrain(Deno.args.slice(1));
}
// Before any signal handler of ours exists: children start with the user's dispositions.
captureInheritedSignals();
const { run } = await import("./src/cli/mod.ts");
(await import("./src/core/startup_marks.ts")).mark("cli loaded");
const code = await run(Deno.args);
(await import("./src/core/startup_marks.ts")).mark("exiting");
Deno.exit(code);
