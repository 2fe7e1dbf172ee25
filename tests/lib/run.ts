/** Helpers for end-to-end tests: run the real ddcoterm CLI in real processes. */

export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
export const MAIN = `${ROOT}/main.ts`;
export const DENO = Deno.execPath();

/** argv that runs ddcoterm from this checkout. */
export function ddcotermArgv(...args: string[]): string[] {
  // --quiet: Deno would otherwise clear the terminal line (a progress bar) when a worker loads.
  return [DENO, "run", "-A", "--quiet", "--no-check", MAIN, ...args];
}

/** A shell-quoted `ddcoterm` invocation for use inside sh -c strings. */
export function ddcotermShell(...args: string[]): string {
  return ddcotermArgv(...args).map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
}

export interface TempHome {
  home: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** A temporary DDCOTERM_HOME (and HOME) so a test never touches the real one. */
export function tempHome(): TempHome {
  const home = Deno.makeTempDirSync({ prefix: "ddcoterm-test-" });
  const env = {
    ...Deno.env.toObject(),
    HOME: home,
    DDCOTERM_HOME: `${home}/.ddcoterm`,
    TERM: "xterm-256color",
    SHELL: "/bin/bash",
    // A predictable prompt for interactive shells.
    PS1: "$ ",
  };
  delete (env as Record<string, string | undefined>).DDCOTERM_SESSION_ID;
  return {
    home,
    env,
    cleanup: () => removeWithRetry(home),
  };
}

/** Shells killed with their terminal may still be writing history: retry briefly. */
function removeWithRetry(path: string): void {
  for (let attempt = 0;; attempt++) {
    try {
      Deno.removeSync(path, { recursive: true });
      return;
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      if (attempt >= 20) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

export interface RunResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: Uint8Array;
  stderr: string;
}

export async function runCommand(
  argv: string[],
  { env, stdin, cwd }: { env?: Record<string, string>; stdin?: Uint8Array | string; cwd?: string } =
    {},
): Promise<RunResult> {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    env,
    clearEnv: env !== undefined,
    cwd,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin);
    await writer.close();
  }
  const out = await child.output();
  return {
    code: out.code,
    signal: out.signal,
    stdout: out.stdout,
    stderr: new TextDecoder().decode(out.stderr),
  };
}

/** The only session folder under a temp home (tests record one session at a time). */
export function onlySessionDir(home: TempHome): string {
  const dir = `${home.env.DDCOTERM_HOME}/sessions`;
  const entries = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name);
  if (entries.length !== 1) throw new Error(`Expected one session, found ${entries.length}`);
  return `${dir}/${entries[0]}`;
}

export function sessionDirs(home: TempHome): string[] {
  const dir = `${home.env.DDCOTERM_HOME}/sessions`;
  try {
    return [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => `${dir}/${e.name}`)
      .sort();
  } catch {
    return [];
  }
}

export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  { timeoutMs = 15000, intervalMs = 50, what = "condition" } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * Runs a shell command line under util-linux `script`, so it sees a real terminal. script's
 * stdin stays open (a closed stdin would be forwarded to the program as end-of-file).
 */
export async function runInTerminal(
  commandLine: string,
  { env }: { env: Record<string, string> },
): Promise<{ code: number; stdout: Uint8Array }> {
  const child = new Deno.Command("script", {
    args: ["-qefc", commandLine, "/dev/null"],
    env,
    clearEnv: true,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const stdoutPromise = new Response(child.stdout).bytes();
  const status = await child.status;
  await child.stdin.close().catch(() => {});
  return { code: status.code, stdout: await stdoutPromise };
}
