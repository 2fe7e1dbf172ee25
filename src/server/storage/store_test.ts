import { POSTGRES_BIN, postgresUrl } from "../../../tests/lib/postgres.ts";
import { openStore } from "./open.ts";
import { storeSuite } from "./store_suite.ts";

const dirs: string[] = [];
storeSuite(
  "sqlite store",
  () => {
    const dir = Deno.makeTempDirSync({ prefix: "ddcoterm-store-" });
    dirs.push(dir);
    return openStore({ dataDir: dir });
  },
  () => {
    // A second store on the same file stands in for a restarted server.
    return openStore({ dataDir: dirs.at(-1)! });
  },
);

if (POSTGRES_BIN) {
  let url: string | undefined;
  storeSuite(
    "postgres store",
    async () => openStore({ dataDir: "", databaseUrl: url = await postgresUrl() }),
    () => openStore({ dataDir: "", databaseUrl: url! }),
  );
}

globalThis.addEventListener("unload", () => {
  for (const dir of dirs) Deno.removeSync(dir, { recursive: true });
});
