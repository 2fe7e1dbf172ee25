/**
 * The launcher as its own entry point: `deno run -A launcher_main.ts __trace-launcher ...`.
 * Imports nothing but the launcher, for the fastest start; tests and the benchmark use it.
 */
import { runLauncher } from "./launcher.ts";
import { LAUNCHER_COMMAND } from "./protocol.ts";

if (import.meta.main) {
  if (Deno.args[0] !== LAUNCHER_COMMAND) {
    console.error(`Usage: launcher_main.ts ${LAUNCHER_COMMAND} [--socket PREFIX] -- command...`);
    Deno.exit(2);
  }
  await runLauncher(Deno.args.slice(1));
}
