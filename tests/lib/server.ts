/** A real `ddcoterm server` for tests: a free port on 127.0.0.1, a temp data dir. */
import { ddcotermArgv, runCommand, waitUntil } from "./run.ts";

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** `ddcoterm` is the command to run (default: this checkout's source). */
export function startServer(
  env: Record<string, string>,
  port: number,
  extra: string[] = [],
  ddcoterm: string[] = ddcotermArgv(),
) {
  const argv = [...ddcoterm, "server", "--listen", `127.0.0.1:${port}`, ...extra];
  return new Deno.Command(argv[0], {
    args: argv.slice(1),
    env,
    clearEnv: true,
    stdout: "null",
    stderr: "null",
  }).spawn();
}

export async function healthy(port: number): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

export interface RunningServer {
  port: number;
  url: string;
  process: Deno.ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server (with `extra` flags) and waits until it answers. */
export async function runServer(
  env: Record<string, string>,
  extra: string[] = [],
  ddcoterm?: string[],
): Promise<RunningServer> {
  const port = freePort();
  const process = startServer(env, port, extra, ddcoterm);
  // Generous: a loaded 2-core machine starts the server slowly.
  await waitUntil(() => healthy(port), { what: "the server to answer", timeoutMs: 30_000 });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    process,
    stop: async () => {
      try {
        process.kill("SIGTERM");
      } catch {
        // Already gone.
      }
      await process.status;
    },
  };
}

/** Adds a user and returns their API key. */
export async function addUser(
  env: Record<string, string>,
  name: string,
  role: "admin" | "approver" | "member",
): Promise<string> {
  const add = await runCommand(
    ddcotermArgv("server", "user", "add", name, "--role", role, "--json"),
    {
      env,
    },
  );
  if (add.code !== 0) throw new Error(`server user add failed: ${add.stderr}`);
  return JSON.parse(new TextDecoder().decode(add.stdout)).apiKey;
}
