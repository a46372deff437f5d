import type { Insertable, Selectable } from 'kysely';
import { type ViewDatabase, fromFlag, selectByKeys, toFlag, upsertByKey } from '@keystream/read-model';
import type { NoticeStage } from '../../domain/index.js';
import type { KeyedRows } from '../view.js';
import type { ExpiryNoticeRow } from './expiry-notices.row.js';
import { EXPIRY_NOTICE_COLUMNS, EXPIRY_NOTICE_TABLE, type ExpiryNoticeDatabase, type ExpiryNoticeTable } from './expiry-notices.table.js';

export const EXPIRY_NOTICE_QUERIES = Symbol('EXPIRY_NOTICE_QUERIES');

/** What the expiry-notice processor asks each tick. */
export interface ExpiryNoticeQueries {
  /**
   * Up to `limit` keys whose next notice is due at `now`, soonest first (then by key id), across
   * every tenant; `after` continues from the last row of the previous page.
   */
  dueForNotice(now: Date, limit: number, after?: Pick<ExpiryNoticeRow, 'keyId'> & { nextNoticeAt: string }): Promise<ExpiryNoticeRow[]>;
}

export function expiryNoticeQueries(views: ViewDatabase<ExpiryNoticeDatabase>): ExpiryNoticeQueries {
  const table = views.table(EXPIRY_NOTICE_TABLE);
  return {
    async dueForNotice(now, limit, after) {
      let query = views.db.selectFrom(table).selectAll().where('next_notice_at', '<=', now.toISOString());
      if (after) {
        query = query.where((eb) =>
          eb.or([eb('next_notice_at', '>', after.nextNoticeAt), eb.and([eb('next_notice_at', '=', after.nextNoticeAt), eb('key_id', '>', after.keyId)])]),
        );
      }
      const records = await query
        .orderBy('next_notice_at')
        .orderBy('key_id')
        .limit(limit)
        .execute();
      return records.map(fromRecord);
    },
  };
}

export const expiryNoticeRows: KeyedRows<ExpiryNoticeRow> = {
  async load(views, keyIds) {
    const records = await selectByKeys<Selectable<ExpiryNoticeTable>>(views, EXPIRY_NOTICE_TABLE, 'key_id', keyIds);
    return new Map(records.map((record) => [record.key_id, fromRecord(record)]));
  },
  save: (views, rows) => upsertByKey(views, EXPIRY_NOTICE_TABLE, 'key_id', EXPIRY_NOTICE_COLUMNS, rows.map(toRecord), { newerBy: 'revision' }),
};

const toRecord = (row: ExpiryNoticeRow): Insertable<ExpiryNoticeTable> => ({
  key_id: row.keyId,
  tenant_id: row.tenantId,
  expires_at: row.expiresAt,
  noticed: row.noticed ?? null,
  is_active: toFlag(row.active),
  next_notice_at: row.nextNoticeAt ?? null,
  revision: row.revision,
});

const fromRecord = (record: Selectable<ExpiryNoticeTable>): ExpiryNoticeRow => ({
  keyId: record.key_id,
  tenantId: record.tenant_id,
  expiresAt: record.expires_at,
  noticed: record.noticed === null ? undefined : (Number(record.noticed) as NoticeStage),
  active: fromFlag(record.is_active),
  nextNoticeAt: record.next_notice_at ?? undefined,
  revision: Number(record.revision),
});
