import type { RecordedEvent } from '@keystream/event-store';
import type { Projection } from '@keystream/processing';
import type { ViewSchema, ViewTransaction } from '@keystream/read-model';
import { decodeDirectoryRecord } from '../../application/directory-user-event.codec.js';
import { DIRECTORY_USER_STREAM_PREFIX } from '../../domain/index.js';
import { type DirectoryUserRow, formerNameKey, userKey } from './directory-user.row.js';
import { evolveDirectoryUser, formerNameTombstone } from './directory-users.evolve.js';
import { directoryUserRows } from './directory-users.queries.js';
import { DIRECTORY_USER_COLUMNS, DIRECTORY_USER_MIGRATIONS, DIRECTORY_USER_TABLE, createDirectoryUserTables } from './directory-users.table.js';

/**
 * One query loads the rows a batch touches, the pure evolve folds it, one upsert writes the changed
 * rows; an event at or below a row's revision is a replay and changes nothing. A rename also writes
 * the former name's tombstone row (its own key, so a later rename back and forth keeps each name's).
 */
async function applyBatch(tx: ViewTransaction, events: readonly RecordedEvent[]): Promise<void> {
  const decoded = events.map(decodeDirectoryRecord).filter((entry) => entry !== undefined);
  if (decoded.length === 0) return;
  const keyOf = (entry: (typeof decoded)[number]) => userKey(entry.event.data.tenantId, entry.event.data.userId);
  const current = await directoryUserRows.load(tx.views, [...new Set(decoded.map(keyOf))]);
  const changed = new Map<string, DirectoryUserRow>();
  for (const entry of decoded) {
    const key = keyOf(entry);
    const row = current.get(key);
    if (row && row.revision >= entry.revision) continue;
    const tombstone = formerNameTombstone(row, entry.event, entry.revision);
    if (tombstone) changed.set(formerNameKey(tombstone.tenantId, tombstone.userId, tombstone.userName), tombstone);
    const next = evolveDirectoryUser(row, entry.event, entry.revision);
    if (!next) continue;
    current.set(key, next);
    changed.set(key, next);
  }
  if (changed.size > 0) await directoryUserRows.save(tx.views, [...changed.values()]);
}

/** The tenant directories fed over SCIM: what the SCIM endpoints read and what the role check asks. */
export const directoryUsersView: Projection & ViewSchema = {
  name: 'directory-users',
  version: 1,
  filter: { streamNamePrefixes: [DIRECTORY_USER_STREAM_PREFIX] },
  tables: [{ name: DIRECTORY_USER_TABLE, columns: DIRECTORY_USER_COLUMNS }],
  migrations: DIRECTORY_USER_MIGRATIONS,
  createCurrent: createDirectoryUserTables,
  applyBatch,
};
