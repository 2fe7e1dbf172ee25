/**
 * The drainer as its own entry point: `deno run -A drain_main.ts __trace-drain ...`. Tests and
 * the benchmark pass it as `self`; ddcoterm's main.ts dispatches the same command.
 */
import { DRAIN_COMMAND, runDrain } from "./drain.ts";

if (import.meta.main) {
  if (Deno.args[0] !== DRAIN_COMMAND) {
    console.error(`Usage: drain_main.ts ${DRAIN_COMMAND} LASTPID FILTERS RECORDER`);
    Deno.exit(2);
  }
  runDrain(Deno.args.slice(1));
}
