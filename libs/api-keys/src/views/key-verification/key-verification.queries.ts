import type { ViewDatabase } from '@keystream/read-model';
import { selectByKeys, upsertByKey } from '@keystream/read-model';
import type { KeyedRows } from '../view.js';
import { fromVerificationRecord, toVerificationRecord } from './key-verification.mapper.js';
import type { KeyVerificationRow } from './key-verification.row.js';
import { KEY_VERIFICATION_COLUMNS, KEY_VERIFICATION_TABLE, type KeyVerificationDatabase } from './key-verification.table.js';

export const KEY_VERIFICATION_LOOKUP = Symbol('KEY_VERIFICATION_LOOKUP');

/** What the key verifier asks on the request path. */
export interface KeyVerificationLookup {
  /** By key id alone, tombstones included: the request path needs them to refuse a deleted key. */
  findVerification(keyId: string): Promise<KeyVerificationRow | undefined>;
}

export function keyVerificationLookup(views: ViewDatabase<KeyVerificationDatabase>): KeyVerificationLookup {
  const table = views.table(KEY_VERIFICATION_TABLE);
  return {
    async findVerification(keyId) {
      const record = await views.db.selectFrom(table).selectAll().where('key_id', '=', keyId).executeTakeFirst();
      return record && fromVerificationRecord(record);
    },
  };
}

export const keyVerificationRows: KeyedRows<KeyVerificationRow> = {
  async load(views, keyIds) {
    const records = await selectByKeys<Parameters<typeof fromVerificationRecord>[0]>(views, KEY_VERIFICATION_TABLE, 'key_id', keyIds);
    return new Map(records.map((record) => [record.key_id, fromVerificationRecord(record)]));
  },
  save: (views, rows) => upsertByKey(views, KEY_VERIFICATION_TABLE, 'key_id', KEY_VERIFICATION_COLUMNS, rows.map(toVerificationRecord), { newerBy: 'revision' }),
};
