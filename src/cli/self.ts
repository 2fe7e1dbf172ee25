/**
 * How to run this very ddcoterm again (for shims): a compiled binary runs alone; otherwise
 * it is Deno running the bundled app or the source tree.
 */
export function selfCommand(): string[] {
  const exe = Deno.execPath();
  const isDeno = /(^|\/)deno$/.test(exe);
  if (!isDeno) return [exe];
  const main = new URL(Deno.mainModule).pathname;
  return main.endsWith(".ts")
    ? [exe, "run", "-A", "--quiet", "--no-check", main]
    : [exe, "run", "-A", "--quiet", "--no-config", "--no-lock", "--no-prompt", main];
}

/** wasmoon's glue.wasm beside the bundled app, when running bundled (undefined otherwise). */
export function bundledWasmPath(): string | undefined {
  const main = new URL(Deno.mainModule).pathname;
  if (!main.endsWith(".js")) return undefined;
  return main.replace(/[^/]+$/, "glue.wasm");
}
