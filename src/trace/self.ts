/**
 * How to run this program again: the compiled binary alone, or the Deno binary with the same
 * flags and main module as this process (read back from /proc/self/cmdline, so an offline
 * install's `--no-config --no-lock --no-prompt` or an import map flag carry over).
 */
export function selfCommand(): string[] {
  const exec = Deno.execPath();
  const main = Deno.mainModule;
  const mainPath = main.startsWith("file:") ? decodeURIComponent(new URL(main).pathname) : main;
  if (main.startsWith("file:") && isCompiled(mainPath)) return [exec];
  const cmdline = readSelfCmdline();
  const at = cmdline.findIndex((arg, i) => i > 0 && namesModule(arg, main, mainPath));
  if (at > 1 && cmdline[1] === "run") return [exec, ...cmdline.slice(1, at), mainPath];
  return [exec, "run", "-A", "--no-check", mainPath];
}

/** A compiled binary's main module lives in its embedded file system, not on disk. */
function isCompiled(mainPath: string): boolean {
  if (mainPath.includes("/deno-compile-")) return true;
  try {
    Deno.statSync(mainPath);
    return false;
  } catch {
    return true;
  }
}

function readSelfCmdline(): string[] {
  try {
    const parts = new TextDecoder().decode(Deno.readFileSync("/proc/self/cmdline")).split("\0");
    if (parts.at(-1) === "") parts.pop();
    return parts;
  } catch {
    return [];
  }
}

function namesModule(arg: string, url: string, path: string): boolean {
  if (arg === url || arg === path) return true;
  if (arg.startsWith("-")) return false;
  try {
    return Deno.realPathSync(arg) === Deno.realPathSync(path);
  } catch {
    return false;
  }
}
