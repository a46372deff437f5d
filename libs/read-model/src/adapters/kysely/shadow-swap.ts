import type { Kysely } from 'kysely';
import type { ViewVersion } from '../../read-model.port.js';
import type { ViewSchema } from '../../view-schema.js';
import { CHECKPOINTS_TABLE, type SharedDatabase, VIEW_VERSIONS_TABLE, shadowName } from './shared.schema.js';

type IsAhead = (live: string, shadow: string | undefined) => boolean;

/**
 * Replaces each view's live rows, checkpoint and recorded version with the shadow's, then drops the
 * shadow; `trx` must be one transaction so readers see the old view or the new one.
 *
 * Copy rather than rename: renaming the shadow tables into place would carry the shadow's index
 * and constraint names (`key_listing__shadow_pkey`, ...) into the live tables, and the next shadow
 * would collide with them; copying keeps every live name stable. The price is one full copy, inside
 * the write transaction. `delete` rather than `truncate`: PostgreSQL's truncate is not MVCC-safe
 * for concurrent readers and takes an exclusive lock that blocks them.
 */
export async function swapShadowIntoLive(
  trx: Kysely<SharedDatabase>,
  schemas: readonly ViewSchema[],
  views: readonly ViewVersion[],
  isAhead: IsAhead,
): Promise<boolean> {
  const names = views.map((view) => view.name);
  if (await liveIsAhead(trx, names, isAhead)) return false;
  const db = trx as Kysely<any>;
  for (const schema of schemas) {
    for (const table of schema.tables) {
      await db.deleteFrom(table.name).execute();
      await db.insertInto(table.name).columns(table.columns).expression(db.selectFrom(shadowName(table.name)).select(table.columns)).execute();
    }
  }
  const updatedAt = new Date().toISOString();
  for (const { name, version } of views) {
    const rebuilt = await trx.selectFrom(shadowName(CHECKPOINTS_TABLE) as 'checkpoints').selectAll().where('name', '=', name).executeTakeFirst();
    // A shadow that never stored this checkpoint processed nothing: the live one must say so too.
    await trx.deleteFrom(CHECKPOINTS_TABLE).where('name', '=', name).execute();
    if (rebuilt !== undefined) await trx.insertInto(CHECKPOINTS_TABLE).values(rebuilt).execute();
    await trx.deleteFrom(VIEW_VERSIONS_TABLE).where('name', '=', name).execute();
    await trx.insertInto(VIEW_VERSIONS_TABLE).values({ name, version, updated_at: updatedAt }).execute();
  }
  await dropShadow(trx, schemas);
  return true;
}

export async function dropShadow(db: Kysely<any>, schemas: readonly ViewSchema[]): Promise<void> {
  for (const table of [...schemas.flatMap((schema) => schema.tables.map((t) => t.name)), CHECKPOINTS_TABLE]) {
    await db.schema.dropTable(shadowName(table)).ifExists().execute();
  }
}

/**
 * Touches the live checkpoint rows first: an update locks them on PostgreSQL (a processor's
 * compare-and-set then waits for this transaction) and is a write on SQLite, whose transactions
 * already hold the file's write lock. Only then are they compared with the shadow's.
 */
async function liveIsAhead(trx: Kysely<SharedDatabase>, names: readonly string[], isAhead: IsAhead): Promise<boolean> {
  if (names.length === 0) return false;
  const shadow = shadowName(CHECKPOINTS_TABLE) as 'checkpoints';
  await trx.updateTable(CHECKPOINTS_TABLE).set((eb) => ({ updated_at: eb.ref('updated_at') })).where('name', 'in', names).execute();
  const current = await trx.selectFrom(CHECKPOINTS_TABLE).select(['name', 'position']).where('name', 'in', names).execute();
  const rebuilt = await trx.selectFrom(shadow).select(['name', 'position']).where('name', 'in', names).execute();
  const rebuiltPosition = new Map(rebuilt.map((row) => [row.name, row.position]));
  return current.some((row) => isAhead(row.position, rebuiltPosition.get(row.name)));
}
