import { sql } from 'kysely';
import type { ViewDatabase } from '@keystream/read-model';
import { escapeLike, fromFlag, selectByKeys, toFlag, upsertByKey } from '@keystream/read-model';
import { type DirectoryUserRow, formerNameKey, isFormerNameKey, userKey } from './directory-user.row.js';
import { DIRECTORY_USER_COLUMNS, DIRECTORY_USER_TABLE, type DirectoryUserDatabase, type DirectoryUserTable } from './directory-users.table.js';

export const DIRECTORY_USER_QUERIES = Symbol('DIRECTORY_USER_QUERIES');

/**
 * One comparison of a SCIM filter; a list of them must all hold. userName compares case-insensitively
 * (caseExact false) and takes co and sw; externalId and id compare exactly, with eq (the parser's allow-list).
 */
export interface DirectoryUserFilter {
  attribute: 'userName' | 'externalId' | 'id';
  operator: 'eq' | 'co' | 'sw';
  value: string;
}

export interface DirectoryUserQueries {
  /** A live (not deleted) user by SCIM id. */
  getUser(tenantId: string, userId: string): Promise<DirectoryUserRow | undefined>;
  /** Live users, oldest first, SCIM's 1-based startIndex and count; `total` before paging. */
  listUsers(tenantId: string, options: { filter?: readonly DirectoryUserFilter[]; startIndex: number; count: number }): Promise<{ rows: DirectoryUserRow[]; total: number }>;
  /** Live admins (the tenant-admin group's members). */
  listAdmins(tenantId: string): Promise<DirectoryUserRow[]>;
  /** Every row for a user name, deleted ones and former names' tombstones too (case-insensitive): what the role check reads. */
  findByUserName(tenantId: string, userName: string): Promise<DirectoryUserRow[]>;
}

type Record_ = Omit<DirectoryUserTable, 'revision'> & { revision: number | string };

const fromRecord = (record: Record_ & { user_key?: string }): DirectoryUserRow => ({
  tenantId: record.tenant_id,
  userId: record.user_id,
  userName: record.user_name,
  ...(record.external_id === null ? {} : { externalId: record.external_id }),
  active: fromFlag(record.active),
  isTenantAdmin: fromFlag(record.is_admin),
  deleted: fromFlag(record.deleted),
  profile: JSON.parse(record.profile) as DirectoryUserRow['profile'],
  createdAt: record.created_at,
  updatedAt: record.updated_at,
  revision: Number(record.revision),
  ...(record.user_key !== undefined && isFormerNameKey(record.user_key) ? { formerName: true as const } : {}),
});

const toRecord = (row: DirectoryUserRow): Record<string, unknown> => ({
  user_key: row.formerName ? formerNameKey(row.tenantId, row.userId, row.userName) : userKey(row.tenantId, row.userId),
  tenant_id: row.tenantId,
  user_id: row.userId,
  user_name: row.userName,
  user_name_lower: row.userName.toLowerCase(),
  external_id: row.externalId ?? null,
  active: toFlag(row.active),
  is_admin: toFlag(row.isTenantAdmin),
  deleted: toFlag(row.deleted),
  profile: JSON.stringify(row.profile),
  created_at: row.createdAt,
  updated_at: row.updatedAt,
  revision: row.revision,
});

export function directoryUserQueries(views: ViewDatabase<DirectoryUserDatabase>): DirectoryUserQueries {
  const { db } = views;
  const table = views.table(DIRECTORY_USER_TABLE);
  const live = (tenantId: string) => db.selectFrom(table).where('tenant_id', '=', tenantId).where('deleted', '=', 0);
  return {
    async getUser(tenantId, userId) {
      const record = await live(tenantId).selectAll().where('user_id', '=', userId).executeTakeFirst();
      return record && fromRecord(record);
    },
    async listUsers(tenantId, { filter, startIndex, count }) {
      let select = live(tenantId);
      for (const clause of filter ?? []) {
        if (clause.attribute === 'externalId') select = select.where('external_id', '=', clause.value);
        else if (clause.attribute === 'id') select = select.where('user_id', '=', clause.value);
        else if (clause.operator === 'eq') select = select.where('user_name_lower', '=', clause.value.toLowerCase());
        else {
          const pattern = `${clause.operator === 'co' ? '%' : ''}${escapeLike(clause.value.toLowerCase())}%`;
          select = select.where(sql<boolean>`user_name_lower like ${pattern} escape '\\'`);
        }
      }
      const counted = await select.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
      const records = count === 0 ? [] : await select.selectAll().orderBy('created_at').orderBy('user_id').limit(count).offset(startIndex - 1).execute();
      return { rows: records.map(fromRecord), total: Number(counted?.n ?? 0) };
    },
    async listAdmins(tenantId) {
      const records = await live(tenantId).selectAll().where('is_admin', '=', 1).orderBy('created_at').execute();
      return records.map(fromRecord);
    },
    async findByUserName(tenantId, userName) {
      const records = await db.selectFrom(table).selectAll().where('tenant_id', '=', tenantId).where('user_name_lower', '=', userName.toLowerCase()).execute();
      return records.map(fromRecord);
    },
  };
}

export const directoryUserRows = {
  async load(views: ViewDatabase, keys: readonly string[]): Promise<Map<string, DirectoryUserRow>> {
    const records = await selectByKeys<Record_ & { user_key: string }>(views, DIRECTORY_USER_TABLE, 'user_key', keys);
    return new Map(records.map((record) => [record.user_key, fromRecord(record)]));
  },
  save: (views: ViewDatabase, rows: readonly DirectoryUserRow[]) => upsertByKey(views, DIRECTORY_USER_TABLE, 'user_key', DIRECTORY_USER_COLUMNS, rows.map(toRecord)),
};
