import type { Kysely } from 'kysely';
import type { ViewTransaction } from '../../read-model.port.js';
import type { RawSqlite, ReadModelDialect, ViewDatabase } from '../../view-schema.js';
import type { SharedDatabase } from './shared.schema.js';

/** Table names as a live store or a shadow sees them. */
export interface TableNames {
  view(name: string): string;
  readonly checkpoints: 'checkpoints';
}

export const viewDatabase = (db: Kysely<any>, dialect: ReadModelDialect, names: TableNames, schema?: string, sqlite?: RawSqlite): ViewDatabase => ({
  db,
  dialect,
  schema,
  table: <T extends string>(name: T) => names.view(name) as T,
  sqlite,
});

/** One projection batch's writes and its checkpoint, on the connection of one open transaction. */
export class KyselyViewTransaction implements ViewTransaction {
  readonly views: ViewDatabase;

  constructor(
    private readonly trx: Kysely<SharedDatabase>,
    dialect: ReadModelDialect,
    private readonly names: TableNames,
    schema?: string,
    /** SQLite: the one connection's raw handle, which this open transaction holds (see ViewDatabase.sqlite). */
    sqlite?: RawSqlite,
  ) {
    this.views = viewDatabase(trx, dialect, names, schema, sqlite);
  }

  /**
   * Both branches decide by rows affected, never by a read first: a read-then-write would let two
   * instances both see `expected`. Under PostgreSQL's read committed the loser's statement waits for
   * the winner's row lock, then finds nothing to insert or no row still at `expected`; on SQLite the
   * write lock taken at `begin` already serialises the two.
   */
  async compareAndSetCheckpoint(name: string, expected: string | undefined, next: string): Promise<boolean> {
    const updatedAt = new Date().toISOString();
    if (expected === undefined) {
      const inserted = await this.trx
        .insertInto(this.names.checkpoints)
        .values({ name, position: next, updated_at: updatedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    }
    const updated = await this.trx
      .updateTable(this.names.checkpoints)
      .set({ position: next, updated_at: updatedAt })
      .where('name', '=', name)
      .where('position', '=', expected)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
}
