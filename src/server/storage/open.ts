/** Opens the store the flags name: PostgreSQL for a postgres:// URL, else SQLite under `dataDir`. */
import { UserError } from "../../core/errors.ts";
import { migrate } from "./migrate.ts";
import { Store } from "./store.ts";

export interface StoreLocation {
  /** Folder for the SQLite database (default $DDCOTERM_HOME/server). */
  dataDir: string;
  /** postgres://… or postgresql://…; SQLite when absent. */
  databaseUrl?: string;
}

export async function openStore(
  location: StoreLocation,
  options: { now?: () => number } = {},
): Promise<Store> {
  const url = location.databaseUrl;
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new UserError(`Option "--database" expects a postgres:// URL, got "${redactUrl(url)}"`);
    }
    const { PostgresDb } = await import("../postgres/db.ts");
    const { POSTGRES_MIGRATIONS } = await import("../postgres/migrations.ts");
    const db = new PostgresDb(url);
    try {
      await migrate(db, POSTGRES_MIGRATIONS);
    } catch (error) {
      await db.close().catch(() => {});
      throw new UserError(
        `Cannot use the database "${redactUrl(url)}": ${(error as Error).message}`,
        1,
      );
    }
    return new Store(db, options);
  }
  const { SqliteDb } = await import("../sqlite/db.ts");
  const { SQLITE_MIGRATIONS } = await import("../sqlite/migrations.ts");
  try {
    Deno.mkdirSync(location.dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UserError(
      `Cannot create the data folder "${location.dataDir}": ${(error as Error).message}`,
      1,
    );
  }
  const path = `${location.dataDir}/ddcoterm.db`;
  let db;
  try {
    db = new SqliteDb(path);
    await migrate(db, SQLITE_MIGRATIONS);
  } catch (error) {
    await db?.close().catch(() => {});
    throw new UserError(`Cannot open the database "${path}": ${(error as Error).message}`, 1);
  }
  return new Store(db, options);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
