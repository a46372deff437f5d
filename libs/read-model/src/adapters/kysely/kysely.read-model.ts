import { type Kysely, sql } from 'kysely';
import type {
  ProcessingLease,
  ReadModel,
  ShadowViews,
  ViewTransaction,
  ViewVersion,
} from '../../read-model.port.js';
import type { RawSqlite, ReadModelDialect, ViewDatabase, ViewSchema } from '../../view-schema.js';
import { KyselyViewTransaction, type TableNames, viewDatabase } from './kysely.view-transaction.js';
import { type LeaseProvider, sharedFileLeases } from './lease-provider.js';
import { createCheckpointsTable } from './read-model.migrations.js';
import { CHECKPOINTS_TABLE, type SharedDatabase, VIEW_VERSIONS_TABLE, shadowName } from './shared.schema.js';
import { dropShadow, swapShadowIntoLive } from './shadow-swap.js';

const LIVE: TableNames = { view: (name) => name, checkpoints: CHECKPOINTS_TABLE };
const SHADOW: TableNames = { view: shadowName, checkpoints: shadowName(CHECKPOINTS_TABLE) as 'checkpoints' };

/**
 * The shared read model over any Kysely dialect; the SQLite and PostgreSQL factories differ only in
 * the dialect they hand in (and SQLite's, in how a transaction takes its lock). It knows the
 * registered views only as schemas: tables to shadow and swap. Their rows are the views' business.
 */
export class KyselyReadModel implements ReadModel {
  readonly live: ViewDatabase;
  private readonly db: Kysely<SharedDatabase>;

  constructor(
    db: Kysely<any>,
    private readonly dialect: ReadModelDialect,
    private readonly views: readonly ViewSchema[],
    private readonly leases: LeaseProvider = sharedFileLeases,
    private readonly schema?: string,
    /** SQLite: the raw handle of the dialect's one connection, handed to transactions only (ViewDatabase.sqlite). */
    private readonly sqlite?: RawSqlite,
  ) {
    this.db = db;
    this.live = viewDatabase(db, dialect, LIVE, schema);
  }

  getCheckpoint(name: string): Promise<string | undefined> {
    return readCheckpoint(this.db, LIVE, name);
  }

  transaction<T>(work: (tx: ViewTransaction) => Promise<T>): Promise<T> {
    return inTransaction(this.db, this.dialect, LIVE, work, this.schema, this.sqlite);
  }

  async appliedVersions(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom(VIEW_VERSIONS_TABLE).select(['name', 'version']).execute();
    return new Map(rows.map((row) => [row.name, Number(row.version)]));
  }

  async adoptVersions(views: readonly ViewVersion[]): Promise<void> {
    if (views.length === 0) return;
    const updatedAt = new Date().toISOString();
    await this.db
      .insertInto(VIEW_VERSIONS_TABLE)
      .values(views.map(({ name, version }) => ({ name, version, updated_at: updatedAt })))
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
  }

  async openShadow(viewNames: readonly string[]): Promise<ShadowViews> {
    const schemas = this.schemasOf(viewNames);
    // Drop first: a shadow left by an interrupted rebuild is stale, never something to resume.
    await this.db.transaction().execute(async (trx) => {
      await dropShadow(trx, this.views);
      for (const schema of schemas) await schema.createCurrent(trx, shadowName);
      await dropSecondaryIndexes(trx, this.dialect, schemas.flatMap((schema) => schema.tables.map((table) => shadowName(table.name))), this.schema);
      await createCheckpointsTable(trx, SHADOW.checkpoints);
    });
    return {
      getCheckpoint: (name) => readCheckpoint(this.db, SHADOW, name),
      transaction: (work) => inShadowTransaction(this.db, this.dialect, work, this.schema, this.sqlite),
    };
  }

  async swapInShadow(views: readonly ViewVersion[], isAhead: (live: string, shadow: string | undefined) => boolean): Promise<boolean> {
    const schemas = this.schemasOf(views.map((view) => view.name));
    return this.db.transaction().execute((trx) => swapShadowIntoLive(trx, schemas, views, isAhead));
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

  async close(): Promise<void> {
    await this.leases.close();
    await this.db.destroy();
  }

  private schemasOf(names: readonly string[]): ViewSchema[] {
    return names.map((name) => {
      const schema = this.views.find((view) => view.name === name);
      if (!schema) throw new Error(`No view named ${name} is registered with this read model`);
      return schema;
    });
  }
}

/**
 * A shadow is only read by key (its primary key) while it is built, and the swap copies its rows
 * into the live tables, whose own indexes serve the queries. So the shadow's other indexes (the
 * listing's page indexes, say) are dropped at birth: they would cost every rebuilt row a write
 * each, for nothing. Unique indexes stay, as constraints the rows must meet.
 */
async function dropSecondaryIndexes(db: Kysely<any>, dialect: ReadModelDialect, tables: readonly string[], schema?: string): Promise<void> {
  for (const table of tables) {
    const { rows } =
      dialect === 'postgres'
        ? await sql<{ name: string }>`
            select i.relname as name from pg_index x
            join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid join pg_namespace n on n.oid = t.relnamespace
            where t.relname = ${table} and n.nspname = ${schema ?? 'public'} and not x.indisunique`.execute(db)
        : await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null
            and sql not like 'create unique%' collate nocase`.execute(db);
    for (const { name } of rows) await db.schema.dropIndex(name).execute();
  }
}

async function readCheckpoint(db: Kysely<SharedDatabase>, names: TableNames, name: string): Promise<string | undefined> {
  const record = await db.selectFrom(names.checkpoints).select('position').where('name', '=', name).executeTakeFirst();
  return record?.position;
}

function inTransaction<T>(
  db: Kysely<SharedDatabase>,
  dialect: ReadModelDialect,
  names: TableNames,
  work: (tx: ViewTransaction) => Promise<T>,
  schema?: string,
  sqlite?: RawSqlite,
): Promise<T> {
  return db.transaction().execute((trx) => work(new KyselyViewTransaction(trx, dialect, names, schema, sqlite)));
}

/** 25,000 pages: about 100 MB of log between checkpoints while a shadow is built. */
const SHADOW_CHECKPOINT_PAGES = 25_000;

/**
 * A shadow's batch commits without waiting for the disk: a crash loses at most the last batches of
 * a shadow, which the next rebuild drops anyway (openShadow never resumes one), and the live tables
 * are not written here. PostgreSQL: `synchronous_commit = off` for this transaction only (never
 * corrupting, by design). SQLite: `synchronous = NORMAL` around it, which in WAL mode syncs only at
 * checkpoints and never corrupts; the safety level can only change outside a transaction, so it is
 * set on the connection held for the duration and put back after. The next live commit (FULL) syncs
 * the log, this batch's frames included, so the live tables' durability is untouched.
 */
function inShadowTransaction<T>(
  db: Kysely<SharedDatabase>,
  dialect: ReadModelDialect,
  work: (tx: ViewTransaction) => Promise<T>,
  schema?: string,
  sqlite?: RawSqlite,
): Promise<T> {
  if (dialect === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      return work(new KyselyViewTransaction(trx, dialect, SHADOW, schema));
    });
  }
  return db.connection().execute(async (connection) => {
    const { rows: [synchronous] } = await sql<{ synchronous: number }>`pragma synchronous`.execute(connection);
    const { rows: [autocheckpoint] } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(connection);
    // The try starts before the first change, so a failure after it still puts both settings back
    // on this pooled connection (a live commit on it must never run at NORMAL).
    try {
      await sql`pragma synchronous = NORMAL`.execute(connection);
      // A shadow batch of thousands of rows outgrows the default 1,000-page log at every commit, and
      // each checkpoint syncs the file: checkpoint every SHADOW_CHECKPOINT_PAGES instead.
      await sql.raw(`pragma wal_autocheckpoint = ${SHADOW_CHECKPOINT_PAGES}`).execute(connection);
      return await connection.transaction().execute((trx) => work(new KyselyViewTransaction(trx, dialect, SHADOW, schema, sqlite)));
    } finally {
      await sql.raw(`pragma synchronous = ${Number(synchronous?.synchronous ?? 2)}`).execute(connection);
      await sql.raw(`pragma wal_autocheckpoint = ${Number(autocheckpoint?.wal_autocheckpoint ?? 1000)}`).execute(connection);
    }
  });
}
