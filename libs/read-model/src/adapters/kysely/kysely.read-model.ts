import { type Kysely, sql } from 'kysely';
import { type LeaseProvider, sharedFileLeases } from './lease-provider.js';
import type {
  KeyListingPage,
  ProcessingLease,
  KeyListingQuery,
  KeyListingRow,
  KeyVerificationRow,
  ReadModel,
  ReadModelTransaction,
} from '../../read-model.port.js';
import { assertPageLimit, selectKeyPage, toPage } from './key-listing.query.js';
import { KyselyReadModelTransaction } from './kysely.read-model-transaction.js';
import { createCurrentTables, dropTables } from './read-model.migrations.js';
import { fromListingRecord, fromVerificationRecord } from './read-model.rows.js';
import { LIVE_TABLES, type ReadModelDatabase, type ReadModelTables, shadowTablesOf } from './read-model.schema.js';
import { swapShadowIntoLive } from './shadow-swap.js';

/**
 * The read model over any Kysely dialect; the SQLite and PostgreSQL factories differ only in the
 * dialect they hand in (and SQLite's, in how a transaction takes its lock). The tables are
 * parameters so that the same class serves the live tables and a rebuild's shadow.
 */
export class KyselyReadModel implements ReadModel {
  private readonly shadow: ReadModelTables;

  constructor(
    private readonly db: Kysely<ReadModelDatabase>,
    private readonly tables: ReadModelTables = LIVE_TABLES,
    private readonly isShadow = false,
    private readonly leases: LeaseProvider = sharedFileLeases,
  ) {
    this.shadow = shadowTablesOf(tables);
  }

  async getKey(tenantId: string, keyId: string): Promise<KeyListingRow | undefined> {
    const record = await this.db
      .selectFrom(this.tables.listing)
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('key_id', '=', keyId)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    return record && fromListingRecord(record);
  }

  async listKeys(query: KeyListingQuery): Promise<KeyListingPage> {
    assertPageLimit(query.limit);
    const records = await selectKeyPage(this.db, this.tables, query).execute();
    return toPage(records, query.limit);
  }

  async countOwnerKeys(tenantId: string, ownerId: string): Promise<number> {
    const { count } = await this.db
      .selectFrom(this.tables.listing)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .where('owner_id', '=', ownerId)
      .where('deleted', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(count);
  }

  async findVerification(keyId: string): Promise<KeyVerificationRow | undefined> {
    const record = await this.db
      .selectFrom(this.tables.verification)
      .selectAll()
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    return record && fromVerificationRecord(record);
  }

  async getCheckpoint(name: string): Promise<string | undefined> {
    const record = await this.db
      .selectFrom(this.tables.checkpoints)
      .select('position')
      .where('name', '=', name)
      .executeTakeFirst();
    return record?.position;
  }

  async transaction<T>(work: (tx: ReadModelTransaction) => Promise<T>): Promise<T> {
    return this.db
      .transaction()
      .execute((trx) =>
        work(new KyselyReadModelTransaction(trx, this.tables)),
      );
  }

  async openShadow(): Promise<ReadModel> {
    this.assertLive('openShadow');
    // Drop first: a shadow left by an interrupted rebuild is stale, never something to resume.
    await this.db.transaction().execute(async (trx) => {
      await dropTables(trx, this.shadow);
      await createCurrentTables(trx, this.shadow);
    });
    return new KyselyReadModel(this.db, this.shadow, true, this.leases);
  }

  async swapInShadow(
    checkpointNames: readonly string[],
    isAhead: (live: string, shadow: string | undefined) => boolean,
  ): Promise<boolean> {
    this.assertLive('swapInShadow');
    return this.db
      .transaction()
      .execute((trx) => swapShadowIntoLive(trx, this.tables, this.shadow, checkpointNames, isAhead));
  }

  tryAcquireLease(name: string): Promise<ProcessingLease | undefined> {
    return this.leases.tryAcquire(name);
  }

  withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
    return this.leases.withLock(name, work);
  }

  async isHealthy(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  /** A shadow borrows the live read model's connection, so only the live one closes it. */
  async close(): Promise<void> {
    if (this.isShadow) return;
    await this.leases.close();
    await this.db.destroy();
  }

  private assertLive(method: string): void {
    if (this.isShadow) throw new Error(`${method}() belongs to the live read model, not to a shadow`);
  }
}
