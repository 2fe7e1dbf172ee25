import { run } from "./src/cli/mod.ts";

Deno.exit(await run(Deno.args));
