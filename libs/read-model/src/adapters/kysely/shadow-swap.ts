import type { Kysely } from 'kysely';
import { dropTables } from './read-model.migrations.js';
import {
  LISTING_COLUMNS,
  type ReadModelDatabase,
  type ReadModelTables,
  VERIFICATION_COLUMNS,
} from './read-model.schema.js';

/**
 * Replaces the live rows and the named checkpoints with the shadow's, then drops the shadow; `trx`
 * must be one transaction so readers see the old view or the new one.
 *
 * Copy rather than rename: renaming the shadow tables into place would carry the shadow's index
 * and constraint names (`key_listing__shadow_pkey`, ...) into the live tables, and the next shadow
 * would collide with them; copying keeps every live name stable. The price is one full copy, inside
 * the write transaction. `delete` rather than `truncate`: PostgreSQL's truncate is not MVCC-safe
 * for concurrent readers and takes an exclusive lock that blocks them.
 */
export async function swapShadowIntoLive(
  trx: Kysely<ReadModelDatabase>,
  live: ReadModelTables,
  shadow: ReadModelTables,
  checkpointNames: readonly string[],
  isAhead: (live: string, shadow: string | undefined) => boolean,
): Promise<boolean> {
  if (await liveIsAhead(trx, live, shadow, checkpointNames, isAhead)) return false;
  await trx.deleteFrom(live.listing).execute();
  await trx
    .insertInto(live.listing)
    .columns(LISTING_COLUMNS)
    .expression(trx.selectFrom(shadow.listing).select(LISTING_COLUMNS))
    .execute();
  await trx.deleteFrom(live.verification).execute();
  await trx
    .insertInto(live.verification)
    .columns(VERIFICATION_COLUMNS)
    .expression(trx.selectFrom(shadow.verification).select(VERIFICATION_COLUMNS))
    .execute();

  for (const name of checkpointNames) {
    const rebuilt = await trx
      .selectFrom(shadow.checkpoints)
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    // A shadow that never stored this checkpoint processed nothing: the live one must say so too.
    await trx.deleteFrom(live.checkpoints).where('name', '=', name).execute();
    if (rebuilt !== undefined) await trx.insertInto(live.checkpoints).values(rebuilt).execute();
  }

  await dropTables(trx, shadow);
  return true;
}

/**
 * Touches the live checkpoint rows first: an update locks them on PostgreSQL (a processor's
 * compare-and-set then waits for this transaction) and is a write on SQLite, whose transactions
 * already hold the file's write lock. Only then are they compared with the shadow's.
 */
async function liveIsAhead(
  trx: Kysely<ReadModelDatabase>,
  live: ReadModelTables,
  shadow: ReadModelTables,
  names: readonly string[],
  isAhead: (live: string, shadow: string | undefined) => boolean,
): Promise<boolean> {
  if (names.length === 0) return false;
  await trx.updateTable(live.checkpoints).set((eb) => ({ updated_at: eb.ref('updated_at') })).where('name', 'in', names).execute();
  const current = await trx.selectFrom(live.checkpoints).select(['name', 'position']).where('name', 'in', names).execute();
  const rebuilt = await trx.selectFrom(shadow.checkpoints).select(['name', 'position']).where('name', 'in', names).execute();
  const rebuiltPosition = new Map(rebuilt.map((row) => [row.name, row.position]));
  return current.some((row) => isAhead(row.position, rebuiltPosition.get(row.name)));
}
