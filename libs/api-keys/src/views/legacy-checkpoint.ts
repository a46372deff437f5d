import type { Kysely } from 'kysely';

/**
 * Before views recorded their version apart, a checkpoint was named with it (`key-listing-v1`).
 * Such a database keeps its progress: the checkpoint takes the view's name and version 1 is recorded.
 */
export async function adoptVersionedCheckpoint(db: Kysely<any>, view: string): Promise<void> {
  const legacy = `${view}-v1`;
  const found = await db.selectFrom('checkpoints').select('name').where('name', '=', legacy).executeTakeFirst();
  if (!found) return;
  await db.updateTable('checkpoints').set({ name: view }).where('name', '=', legacy).execute();
  await db.insertInto('view_versions').values({ name: view, version: 1, updated_at: new Date().toISOString() }).execute();
}
