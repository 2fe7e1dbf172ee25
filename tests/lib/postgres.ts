/**
 * A throwaway PostgreSQL for tests: initdb into a temp folder, started with pg_ctl on a free
 * port, as the `postgres` OS user when the tests run as root. One cluster per test process;
 * each caller gets its own database. Returns undefined (and says why) when PostgreSQL is not
 * installed, so a test can be skipped with `ignore`.
 */
const BIN_ROOT = "/usr/lib/postgresql";

function findBin(): string | undefined {
  try {
    const versions = [...Deno.readDirSync(BIN_ROOT)].map((e) => e.name).sort((a, b) =>
      Number(b) - Number(a)
    );
    for (const version of versions) {
      const bin = `${BIN_ROOT}/${version}/bin`;
      try {
        Deno.statSync(`${bin}/initdb`);
        return bin;
      } catch {
        // Try the next version.
      }
    }
  } catch {
    return undefined;
  }
}

export const POSTGRES_BIN = findBin();

async function run(argv: string[], asPostgres: boolean): Promise<string> {
  const full = asPostgres && Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
  const out = await new Deno.Command(full[0], {
    args: full.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${argv.join(" ")} failed: ${text}`);
  return text;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

let cluster: Promise<{ port: number; dir: string }> | undefined;
let databases = 0;

async function startCluster(): Promise<{ port: number; dir: string }> {
  const bin = POSTGRES_BIN!;
  const dir = Deno.makeTempDirSync({ prefix: "ddcoterm-pg-" });
  if (Deno.uid() === 0) await run(["chown", "postgres", dir], false);
  await run([`${bin}/initdb`, "-D", `${dir}/data`, "-U", "postgres", "-A", "trust"], true);
  const port = freePort();
  await run([
    `${bin}/pg_ctl`,
    "-D",
    `${dir}/data`,
    "-l",
    `${dir}/log`,
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
    "start",
  ], true);
  // Stopped when the test process ends (the last test's teardown cannot know it is the last).
  globalThis.addEventListener("unload", () => {
    const argv = [`${bin}/pg_ctl`, "-D", `${dir}/data`, "-m", "immediate", "stop"];
    const full = Deno.uid() === 0 ? ["runuser", "-u", "postgres", "--", ...argv] : argv;
    new Deno.Command(full[0], { args: full.slice(1), stdout: "null", stderr: "null" })
      .outputSync();
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Left in the temp folder.
    }
  });
  return { port, dir };
}

/** A URL to a new, empty database on the shared throwaway cluster. */
export async function postgresUrl(): Promise<string> {
  if (!POSTGRES_BIN) throw new Error("PostgreSQL is not installed (Debian package postgresql)");
  cluster ??= startCluster();
  const { port } = await cluster;
  const name = `t${Deno.pid}_${++databases}`;
  await run([
    `${POSTGRES_BIN}/createdb`,
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-U",
    "postgres",
    name,
  ], false);
  return `postgres://postgres@127.0.0.1:${port}/${name}`;
}
