/** How to run this very ddcoterm again (for shims and the trace drainer). */
export { selfCommand } from "../trace/self.ts";

/** wasmoon's glue.wasm beside the bundled app, when running bundled (undefined otherwise). */
export function bundledWasmPath(): string | undefined {
  const main = new URL(Deno.mainModule).pathname;
  if (!main.endsWith(".js")) return undefined;
  return main.replace(/[^/]+$/, "glue.wasm");
}
