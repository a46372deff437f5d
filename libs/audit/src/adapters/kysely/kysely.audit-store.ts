import { type Kysely, sql } from 'kysely';
import type { AuditCloudEvent } from '@keystream/audit-bus';
import { GENESIS_HASH, brokenLink } from '../../audit-chain.js';
import type { AppendResult, AuditEntry, AuditPage, AuditQuery, AuditStore, ChainVerification } from '../../audit-store.port.js';
import { beginImmediate } from '../sqlite/sqlite-write-lock.js';
import { ensureAuditTable } from './audit.ddl.js';
import { ensureAuditOwnerIndex, ownerUidOf } from './audit.owner-index.js';
import { AUDIT_TABLE, type AuditDatabase } from './audit.schema.js';
import { type NewRecord, chained, toEntry, toLink } from './audit.rows.js';

export type AuditDialect = 'sqlite' | 'postgres';

const VERIFY_PAGE = 1000;
const INSERT_CHUNK = 100;
const ID_CHUNK = 500;

/**
 * The audit store over Kysely: the same queries on SQLite and PostgreSQL. The dialects differ only
 * in how a write transaction serialises appends to one tenant's chain: SQLite's `begin immediate`
 * takes the database's write lock; PostgreSQL takes a transaction-scoped advisory lock per tenant,
 * so tenants append in parallel while each chain grows one entry at a time.
 */
export class KyselyAuditStore implements AuditStore {
  private constructor(
    private readonly db: Kysely<AuditDatabase>,
    private readonly dialect: AuditDialect,
    private readonly destroy: () => Promise<void>,
  ) {}

  static async open(db: Kysely<AuditDatabase>, dialect: AuditDialect, destroy: () => Promise<void>): Promise<KyselyAuditStore> {
    const store = new KyselyAuditStore(db, dialect, destroy);
    await store.writeTransaction(['$schema'], async (trx) => {
      await ensureAuditTable(trx);
      await ensureAuditOwnerIndex(trx, dialect);
    });
    return store;
  }

  async append(events: readonly AuditCloudEvent[]): Promise<AppendResult> {
    const unique = [...new Map(events.map((event) => [event.id, event] as const)).values()];
    if (unique.length === 0) return { stored: 0, duplicates: 0 };
    const stored = await this.writeTransaction(
      unique.map((event) => event.tenantid),
      async (trx) => {
        const known = await this.storedIds(trx, unique.map((event) => event.id));
        const heads = new Map<string, { seq: number; hash: string }>();
        const records: NewRecord[] = [];
        for (const event of unique) {
          if (known.has(event.id)) continue;
          const head = heads.get(event.tenantid) ?? (await this.head(trx, event.tenantid));
          const record = chained(event, head);
          heads.set(event.tenantid, { seq: record.seq, hash: record.hash });
          records.push(record);
        }
        for (let i = 0; i < records.length; i += INSERT_CHUNK) {
          await trx.insertInto(AUDIT_TABLE).values(records.slice(i, i + INSERT_CHUNK)).execute();
        }
        return records.length;
      },
    );
    return { stored, duplicates: events.length - stored };
  }

  async query(query: AuditQuery): Promise<AuditPage> {
    let select = this.db.selectFrom(AUDIT_TABLE).selectAll().where('tenant_id', '=', query.tenantId);
    if (query.keyUid !== undefined) select = select.where('key_uid', '=', query.keyUid);
    if (query.actorUid !== undefined) select = select.where('actor_uid', '=', query.actorUid);
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.actions !== undefined) {
      if (query.actions.length === 0) return { entries: [] };
      select = select.where('action', 'in', [...query.actions]);
    }
    if (query.ownerUid !== undefined) select = select.where(ownerUidOf(this.dialect), '=', query.ownerUid);
    if (query.from !== undefined) select = select.where('occurred_at', '>=', query.from);
    if (query.to !== undefined) select = select.where('occurred_at', '<', query.to);
    if (query.beforeSeq !== undefined) select = select.where('seq', '<', query.beforeSeq);
    const records = await select.orderBy('seq', 'desc').limit(query.limit + 1).execute();
    const entries = records.slice(0, query.limit).map(toEntry);
    return records.length > query.limit ? { entries, nextBeforeSeq: entries.at(-1)!.seq } : { entries };
  }

  async tail(tenantId: string, limit: number): Promise<AuditEntry[]> {
    return (await this.query({ tenantId, limit })).entries.reverse();
  }

  async verifyChain(tenantId: string): Promise<ChainVerification> {
    let previous = { seq: 0, hash: GENESIS_HASH };
    let entries = 0;
    for (;;) {
      const records = await this.db
        .selectFrom(AUDIT_TABLE)
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('seq', '>', previous.seq)
        .orderBy('seq')
        .limit(VERIFY_PAGE)
        .execute();
      for (const record of records) {
        const link = toLink(record);
        const reason = brokenLink(link, previous);
        if (reason) return { ok: false, tenantId, entries, broken: { seq: link.seq, eventId: link.eventId, reason } };
        previous = { seq: link.seq, hash: link.hash };
        entries++;
      }
      if (records.length < VERIFY_PAGE) return { ok: true, tenantId, entries, ...(entries > 0 ? { headHash: previous.hash } : {}) };
    }
  }

  async count(tenantId: string): Promise<number> {
    const { count } = await this.db
      .selectFrom(AUDIT_TABLE)
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(count);
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
    await this.destroy();
  }

  private async storedIds(trx: Kysely<AuditDatabase>, ids: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (let i = 0; i < ids.length; i += ID_CHUNK) {
      const rows = await trx.selectFrom(AUDIT_TABLE).select('event_id').where('event_id', 'in', ids.slice(i, i + ID_CHUNK)).execute();
      for (const row of rows) known.add(row.event_id);
    }
    return known;
  }

  private async head(trx: Kysely<AuditDatabase>, tenantId: string): Promise<{ seq: number; hash: string }> {
    const last = await trx
      .selectFrom(AUDIT_TABLE)
      .select(['seq', 'hash'])
      .where('tenant_id', '=', tenantId)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** One connection, one transaction, holding the locks that serialise the given tenants' chains. */
  private writeTransaction<T>(tenantIds: string[], work: (trx: Kysely<AuditDatabase>) => Promise<T>): Promise<T> {
    return this.db.connection().execute(async (connection) => {
      if (this.dialect === 'sqlite') await beginImmediate(connection);
      else await sql.raw('begin').execute(connection);
      try {
        if (this.dialect === 'postgres') {
          // Sorted, so two transactions locking overlapping tenants cannot deadlock.
          for (const tenantId of [...new Set(tenantIds)].sort()) {
            await sql`select pg_advisory_xact_lock(hashtextextended(${`keystream.audit:${tenantId}`}, 0))`.execute(connection);
          }
        }
        const result = await work(connection);
        await sql.raw('commit').execute(connection);
        return result;
      } catch (error) {
        await sql.raw('rollback').execute(connection).catch(() => undefined);
        throw error;
      }
    });
  }
}
