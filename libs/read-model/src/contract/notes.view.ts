import type { Kysely } from 'kysely';
import { selectByKeys, upsertByKey } from '../view-kit/keyed-rows.js';
import type { ReadModel, ViewTransaction } from '../read-model.port.js';
import type { ViewDatabase, ViewSchema } from '../view-schema.js';

/**
 * A view that exists only for the shared contract: one table of notes by id. The read model knows
 * views only by their schema, so any view shows its migrations, shadows and swaps work.
 */
export interface Note {
  id: string;
  tenantId: string;
  text: string;
}

const TABLE = 'contract_notes';
const COLUMNS = ['id', 'tenant_id', 'text'] as const;

const createNotes = async (db: Kysely<any>, table: (name: string) => string) => {
  await db.schema
    .createTable(table(TABLE))
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .execute();
};

export const NOTES_VIEW: ViewSchema = {
  name: 'contract-notes',
  tables: [{ name: TABLE, columns: COLUMNS }],
  migrations: { '0001_tables': (db) => createNotes(db, (name) => name) },
  createCurrent: createNotes,
};

interface NoteRecord {
  id: string;
  tenant_id: string;
  text: string;
}

export async function putNotes(views: ViewDatabase, notes: readonly Note[]): Promise<void> {
  if (notes.length === 0) return;
  await upsertByKey(views, TABLE, 'id', COLUMNS, notes.map((note) => ({ id: note.id, tenant_id: note.tenantId, text: note.text })));
}

export async function getNotes(views: ViewDatabase, ids: readonly string[]): Promise<Note[]> {
  const records = await selectByKeys<NoteRecord>(views, TABLE, 'id', ids);
  return records.map((record) => ({ id: record.id, tenantId: record.tenant_id, text: record.text })).sort((a, b) => a.id.localeCompare(b.id));
}

/** A tenant's notes as readers see them, by id. */
export async function noteIds(readModel: ReadModel, tenantId: string): Promise<string[]> {
  const rows = await readModel.live.db.selectFrom(TABLE).select('id').where('tenant_id', '=', tenantId).orderBy('id').execute();
  return rows.map((row) => String(row.id));
}

export const notesIn = (tx: ViewTransaction, ids: readonly string[]) => getNotes(tx.views, ids);
