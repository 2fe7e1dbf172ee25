// The trace launcher runs before every traced command: it skips loading the CLI.
if (Deno.args[0] === "__trace-launcher") {
  const { runLauncher } = await import("./src/trace/launcher.ts");
  await runLauncher(Deno.args.slice(1));
}
const { run } = await import("./src/cli/mod.ts");
(await import("./src/core/startup_marks.ts")).mark("cli loaded");
const code = await run(Deno.args);
(await import("./src/core/startup_marks.ts")).mark("exiting");
Deno.exit(code);
