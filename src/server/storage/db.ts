/**
 * The one seam between the store and a database: parameterised SQL with `?` placeholders
 * (the PostgreSQL adapter numbers them), rows as plain objects, and transactions. Values are
 * only ever passed as parameters, never spliced into SQL text.
 */
export type SqlValue = string | number | null | Uint8Array | boolean;

export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: "sqlite" | "postgres";
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Runs `fn` in one transaction: all of it or none of it. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Tells every server on this database (only this one for SQLite) about `payload`. */
  notify(payload: string): Promise<void>;
  /** Receives every notify, this instance's included. */
  listen(onPayload: (payload: string) => void): Promise<void>;
  close(): Promise<void>;
}

export interface Migration {
  version: number;
  statements: string[];
}
