import type { Kysely } from 'kysely';
import type { KeyListingRow, KeyVerificationRow, ReadModelTransaction } from '../../read-model.port.js';
import {
  fromListingRecord,
  fromVerificationRecord,
  toListingRecord,
  toVerificationRecord,
} from './read-model.rows.js';
import type { ReadModelDatabase, ReadModelTables } from './read-model.schema.js';

/** The writes of one projection batch, all on the connection of one open database transaction. */
export class KyselyReadModelTransaction implements ReadModelTransaction {
  constructor(
    private readonly trx: Kysely<ReadModelDatabase>,
    private readonly tables: ReadModelTables,
  ) {}

  async getListingRow(keyId: string): Promise<KeyListingRow | undefined> {
    const record = await this.trx
      .selectFrom(this.tables.listing)
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return record && fromListingRecord(record);
  }

  async putListingRow(row: KeyListingRow): Promise<void> {
    const { key_id, ...rest } = toListingRecord(row);
    await this.trx
      .insertInto(this.tables.listing)
      .values({ key_id, ...rest })
      .onConflict((oc) => oc.column('key_id').doUpdateSet(rest))
      .execute();
  }

  async getVerificationRow(keyId: string): Promise<KeyVerificationRow | undefined> {
    const record = await this.trx
      .selectFrom(this.tables.verification)
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return record && fromVerificationRecord(record);
  }

  async putVerificationRow(row: KeyVerificationRow): Promise<void> {
    const { key_id, ...rest } = toVerificationRecord(row);
    await this.trx
      .insertInto(this.tables.verification)
      .values({ key_id, ...rest })
      .onConflict((oc) => oc.column('key_id').doUpdateSet(rest))
      .execute();
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
        .insertInto(this.tables.checkpoints)
        .values({ name, position: next, updated_at: updatedAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1;
    }
    const updated = await this.trx
      .updateTable(this.tables.checkpoints)
      .set({ position: next, updated_at: updatedAt })
      .where('name', '=', name)
      .where('position', '=', expected)
      .executeTakeFirst();
    return Number(updated.numUpdatedRows) === 1;
  }
}
