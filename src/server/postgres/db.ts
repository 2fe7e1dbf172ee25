/** PostgreSQL (npm postgres) behind the Db interface; notifications through LISTEN/NOTIFY. */
import { Buffer } from "node:buffer";
import postgres from "postgres";
import type { Db, Row, SqlValue } from "../storage/db.ts";

const CHANNEL = "ddcoterm_events";

type Sql = postgres.Sql<Record<string, never>>;
type Tx = postgres.TransactionSql<Record<string, never>>;

/** `?` placeholders → `$1, $2, …` (the SQL in this code base never holds a literal `?`). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

function toPg(value: SqlValue): postgres.ParameterOrJSON<never> {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

function normalize(row: Row): Row {
  for (const key in row) {
    const value = row[key];
    if (value instanceof Uint8Array && !(value.constructor === Uint8Array)) {
      row[key] = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    }
  }
  return row;
}

class PgRunner implements Db {
  readonly dialect = "postgres" as const;
  constructor(protected sql: Sql | Tx, protected root: PostgresDb | null) {}

  async all<T = Row>(text: string, params: SqlValue[] = []): Promise<T[]> {
    const rows = await this.sql.unsafe(numberPlaceholders(text), params.map(toPg));
    return (rows as unknown as Row[]).map(normalize) as T[];
  }

  async get<T = Row>(text: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.all<T>(text, params))[0];
  }

  async run(text: string, params: SqlValue[] = []): Promise<number> {
    const result = await this.sql.unsafe(numberPlaceholders(text), params.map(toPg));
    return result.count ?? 0;
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return fn(this); // Already inside one.
  }

  async notify(payload: string): Promise<void> {
    await this.sql.unsafe("SELECT pg_notify($1, $2)", [CHANNEL, payload]);
  }

  listen(onPayload: (payload: string) => void): Promise<void> {
    return this.root!.listen(onPayload);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

export class PostgresDb extends PgRunner {
  #sql: Sql;

  constructor(url: string, { max = 10 }: { max?: number } = {}) {
    const sql = postgres(url, {
      max,
      onnotice: () => {},
      // int8 (counts, ids, byte offsets) as numbers: they stay far below 2^53.
      types: {
        int8: {
          to: 20,
          from: [20],
          serialize: (value: number) => String(value),
          parse: (value: string) => Number(value),
        },
      },
      connection: { application_name: "ddcoterm" },
    }) as unknown as Sql;
    super(sql, null);
    this.root = this;
    this.#sql = sql;
  }

  override async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return await this.#sql.begin((tx) => fn(new PgRunner(tx, this))) as T;
  }

  override async listen(onPayload: (payload: string) => void): Promise<void> {
    await this.#sql.listen(CHANNEL, onPayload);
  }

  override async close(): Promise<void> {
    await this.#sql.end({ timeout: 2 });
  }
}
