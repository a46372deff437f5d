import type { Kysely } from 'kysely';

export type ReadModelDialect = 'sqlite' | 'postgres';

/**
 * One read view's tables on an open connection: the live ones, or a rebuild's shadow of them. A
 * view's queries and batch apply name their tables through `table()`, never literally, so the same
 * code writes a shadow. Shadow tables have the live shapes under other names, so `table()` keeps
 * the live name's type: Kysely only needs the shape.
 */
export interface ViewDatabase<DB = any> {
  readonly db: Kysely<DB>;
  readonly dialect: ReadModelDialect;
  /** The PostgreSQL schema the tables live in, for statements written as text (Kysely's builder adds it itself). */
  readonly schema?: string;
  table<T extends keyof DB & string>(name: T): T;
  /**
   * SQLite only, and only on a transaction's views: the connection's own better-sqlite3 handle, for
   * the projections' hot statements (view-kit/keyed-rows.ts), which run through it without Kysely's
   * per-query building and promise hops. Inside the transaction it is that transaction's connection.
   * Absent on the live views outside a transaction: a statement there could land inside another
   * caller's open transaction on the one shared connection.
   */
  readonly sqlite?: RawSqlite;
}

/** The part of a better-sqlite3 connection the hot statements use (statements prepared once, reused). */
export interface RawSqlite {
  prepare(source: string): RawSqliteStatement;
}

export interface RawSqliteStatement {
  run(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown[];
}

export interface ViewTableSchema {
  /** The live table's name. */
  readonly name: string;
  /** Every column, in the order a swap copies them. */
  readonly columns: readonly string[];
}

/**
 * What the shared read model must know of a view to migrate it, rebuild it in a shadow and swap it
 * in: its tables and how to create them. Registered once (the view registry); the shared
 * migrations, shadow and swap then handle any number of views alike.
 */
export interface ViewSchema {
  /** Unique among views; also the view's checkpoint name and the prefix of its migration names. */
  readonly name: string;
  readonly tables: readonly ViewTableSchema[];
  /**
   * The view's migrations over its live tables, applied in name order once each (e.g. `0001_tables`).
   * A migration never changes once released; a new shape is a new migration plus `createCurrent`.
   */
  readonly migrations: Readonly<Record<string, (db: Kysely<any>) => Promise<void>>>;
  /** Creates the tables at their latest shape under the names `table` gives (a shadow's). */
  createCurrent(db: Kysely<any>, table: (name: string) => string): Promise<void>;
  /** Best-effort, idempotent, dialect-specific extras on the live tables, run after migrating. */
  setUp?(db: Kysely<any>, context: { dialect: ReadModelDialect; schema?: string }): Promise<void>;
}
