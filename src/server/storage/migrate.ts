/** Applies the migrations a database lacks, in order, each in its own transaction. */
import type { Db, Migration } from "./db.ts";

export async function migrate(db: Db, migrations: Migration[]): Promise<number> {
  await db.transaction(async (tx) => {
    if (db.dialect === "postgres") {
      // Two instances starting together: one migrates, the other waits and finds it done.
      await tx.get("SELECT pg_advisory_xact_lock(8420)");
    }
    await tx.run(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)",
    );
  });
  let applied = 0;
  for (const migration of migrations) {
    await db.transaction(async (tx) => {
      if (db.dialect === "postgres") await tx.get("SELECT pg_advisory_xact_lock(8420)");
      const done = await tx.get("SELECT version FROM schema_migrations WHERE version = ?", [
        migration.version,
      ]);
      if (done) return;
      for (const statement of migration.statements) await tx.run(statement);
      await tx.run("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", [
        migration.version,
        Date.now(),
      ]);
      applied++;
    });
  }
  return applied;
}
