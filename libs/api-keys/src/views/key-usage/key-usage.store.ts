import { type ViewDatabase, selectByKeys, upsertByKey } from '@keystream/read-model';
import { KEY_USAGE_ADDRESSES, KEY_USAGE_COLUMNS, KEY_USAGE_TABLE, type KeyUsageDatabase, type KeyUsageTable } from './key-usage.table.js';

export const KEY_USAGE_STORE = Symbol('KEY_USAGE_STORE');

/** One key's use as seen by one instance since its last write. */
export interface KeyUsage {
  keyId: string;
  tenantId: string;
  /** RFC 3339 UTC with milliseconds. */
  lastUsedAt: string;
  /** Most recent first, distinct, at most KEY_USAGE_ADDRESSES. */
  lastUsedFrom: string[];
}

/** What the usage flusher writes through; reads go through the listing, which joins the table. */
export interface KeyUsageStore {
  /**
   * Merges each key's use into what is stored: the later time wins, the addresses are the newest
   * first. Best effort across instances: two flushes of one key at once may lose an address, never a time.
   */
  save(usages: readonly KeyUsage[]): Promise<void>;
}

/** Addresses, newest first, without repeats, at most KEY_USAGE_ADDRESSES. */
export const mergeAddresses = (newer: readonly string[], older: readonly string[]): string[] =>
  [...new Set([...newer, ...older])].slice(0, KEY_USAGE_ADDRESSES);

/**
 * Reads and writes through the read model's keyed-row helpers: the keys go in as one array and the
 * rows in statements of a bounded size, so a flush of any number of due keys stays under SQLite's
 * bound-parameter limit (one statement over every key failed past about 8,000 of them).
 */
export function keyUsageStore(views: ViewDatabase<KeyUsageDatabase>): KeyUsageStore {
  return {
    async save(usages) {
      if (usages.length === 0) return;
      const stored = await selectByKeys<KeyUsageTable>(views, KEY_USAGE_TABLE, 'usage_key_id', usages.map((usage) => usage.keyId));
      const before = new Map(stored.map((record) => [record.usage_key_id, record]));
      const records = usages.map((usage): KeyUsageTable => {
        const old = before.get(usage.keyId);
        const olderAddresses = old ? (JSON.parse(old.last_used_from) as string[]) : [];
        const newer = !old || usage.lastUsedAt >= old.last_used_at;
        return {
          usage_key_id: usage.keyId,
          usage_tenant_id: usage.tenantId,
          last_used_at: newer ? usage.lastUsedAt : old.last_used_at,
          last_used_from: JSON.stringify(newer ? mergeAddresses(usage.lastUsedFrom, olderAddresses) : mergeAddresses(olderAddresses, usage.lastUsedFrom)),
        };
      });
      await upsertByKey(views, KEY_USAGE_TABLE, 'usage_key_id', KEY_USAGE_COLUMNS, records as unknown as Record<string, unknown>[]);
    },
  };
}
