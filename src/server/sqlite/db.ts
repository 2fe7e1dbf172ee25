/** node:sqlite behind the Db interface: one connection, transactions queued one at a time. */
/// <reference path="./node_sqlite.d.ts" />
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";
import type { Db, Row, SqlValue } from "../storage/db.ts";

export class SqliteDb implements Db {
  readonly dialect = "sqlite" as const;
  #db: DatabaseSync;
  #statements = new Map<string, StatementSync>();
  #queue: Promise<unknown> = Promise.resolve();
  #listeners: ((payload: string) => void)[] = [];

  constructor(path: string) {
    this.#db = new DatabaseSync(path);
    this.#db.exec("PRAGMA journal_mode = WAL");
    this.#db.exec("PRAGMA synchronous = NORMAL");
    this.#db.exec("PRAGMA foreign_keys = ON");
    this.#db.exec("PRAGMA busy_timeout = 5000");
    // 64 MiB of page cache (default 2 MiB): indexing and FTS5 merges re-read the same pages.
    this.#db.exec("PRAGMA cache_size = -65536");
  }

  #prepare(sql: string): StatementSync {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  all<T = Row>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return Promise.resolve(this.#prepare(sql).all(...params.map(toSqlite)) as T[]);
  }

  get<T = Row>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return Promise.resolve(this.#prepare(sql).get(...params.map(toSqlite)) as T | undefined);
  }

  /** A write outside a transaction waits for the open one, so it never becomes part of it. */
  run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.transaction((tx) => tx.run(sql, params));
  }

  #runNow(sql: string, params: SqlValue[]): number {
    return Number(this.#prepare(sql).run(...params.map(toSqlite)).changes);
  }

  /** Runs DDL text (migrations only: no parameters there). */
  exec(sql: string): void {
    this.#db.exec(sql);
  }

  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    const tx: Db = {
      dialect: "sqlite",
      all: (sql, params) => this.all(sql, params),
      get: (sql, params) => this.get(sql, params),
      run: (sql, params = []) => Promise.resolve(this.#runNow(sql, params)),
      transaction: (inner) => inner(tx), // Nested: part of the outer one.
      notify: (payload) => this.notify(payload),
      listen: (onPayload) => this.listen(onPayload),
      close: () => Promise.resolve(),
    };
    const result = this.#queue.then(async () => {
      this.#db.exec("BEGIN IMMEDIATE");
      try {
        const value = await fn(tx);
        this.#db.exec("COMMIT");
        return value;
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    });
    this.#queue = result.catch(() => {});
    return result;
  }

  notify(payload: string): Promise<void> {
    // Delivered after the current transaction's code, as PostgreSQL does after commit.
    queueMicrotask(() => {
      for (const listener of this.#listeners) listener(payload);
    });
    return Promise.resolve();
  }

  listen(onPayload: (payload: string) => void): Promise<void> {
    this.#listeners.push(onPayload);
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#statements.clear();
    this.#db.close();
    return Promise.resolve();
  }
}

function toSqlite(value: SqlValue): SQLInputValue {
  if (typeof value === "boolean") return value ? 1 : 0;
  return value;
}
