import type { RecordedEvent } from '@keystream/event-store';
import type { Projection, RebuildSession } from '@keystream/processing';
import type { ViewDatabase, ViewSchema, ViewTransaction } from '@keystream/read-model';
import type { ApiKeyEvent } from '../domain/index.js';
import { decodeKeyEvent } from './decode.js';

/** A query port a view offers: its DI token and how to build it over the live tables. */
export interface ViewPort {
  readonly token: symbol;
  create(views: ViewDatabase): unknown;
}

/**
 * One read view, whole: its tables and migrations (for the shared read model), its projection (for
 * processing) and its query ports (for the handlers). Registered by one line in views/index.ts.
 */
export interface ReadView extends ViewSchema, Projection {
  readonly ports: readonly ViewPort[];
}

/** Rows keyed by key id that remember the stream revision they last applied. */
export interface KeyedRows<Row extends { revision: number }> {
  load(views: ViewDatabase, keyIds: readonly string[]): Promise<Map<string, Row>>;
  /** Writes whole rows; a stored row at the same or a newer revision is kept as it is. */
  save(views: ViewDatabase, rows: readonly Row[]): Promise<void>;
}

export type Evolve<Row> = (row: Row | undefined, event: ApiKeyEvent, revision: number) => Row | undefined;

/**
 * A view's batch apply: one query loads the rows the batch needs, the pure evolve folds the batch in
 * memory, one multi-row upsert writes the rows that changed. An event at or below a row's revision
 * is a replay and changes nothing, so re-applying a batch (after a crash, or by another instance)
 * leaves the rows as they are.
 *
 * A key whose first event in the batch is its stream's first (revision 0) is folded from nothing,
 * without loading its row: whatever is stored was folded by the same evolve from the same events,
 * so the fold from scratch gives that row or a newer one, and `save` never replaces a row by one at
 * the same or an older revision. In a rebuild and in a log where keys are mostly created, most of a
 * batch's rows need no read.
 */
export const foldBatch =
  <Row extends { revision: number }>(rows: KeyedRows<Row>, evolve: Evolve<Row>) =>
  async (tx: ViewTransaction, events: readonly RecordedEvent[]): Promise<void> => {
    const decoded = events.map(decodeKeyEvent).filter((event) => event !== undefined);
    if (decoded.length === 0) return;
    const firstRevision = new Map<string, number>();
    for (const { keyId, revision } of decoded) if (!firstRevision.has(keyId)) firstRevision.set(keyId, revision);
    const stored = [...firstRevision].filter(([, revision]) => revision > 0).map(([keyId]) => keyId);
    const current = stored.length > 0 ? await rows.load(tx.views, stored) : new Map<string, Row>();
    const changed = new Map<string, Row>();
    for (const { keyId, revision, event } of decoded) {
      const row = current.get(keyId);
      if (row && row.revision >= revision) continue;
      const next = evolve(row, event, revision);
      if (!next) continue;
      current.set(keyId, next);
      changed.set(keyId, next);
    }
    if (changed.size > 0) await rows.save(tx.views, [...changed.values()]);
  };

/**
 * Rows a rebuild session keeps in memory, per view, before it writes the least recently folded:
 * about 40 MB for the listing's rows. A key whose events all fall within this many keys of each
 * other in the log is read never and written once.
 */
export const REBUILD_ROWS_IN_MEMORY = 100_000;

/**
 * A view's rebuild session (Projection.openRebuild): the same fold as `foldBatch`, but the rows stay
 * in memory between batches, written to the shadow only when more than `capacity` are held (those
 * held longest first: moving a row to the back on every event cost more than its writes saved) and at `flush`. A row written out is read back if its key comes
 * again. Only for a shadow, which this rebuild alone writes: nothing else can change a row it holds.
 */
export const rebuildFold =
  <Row extends { revision: number }>(rows: KeyedRows<Row>, evolve: Evolve<Row>, capacity = REBUILD_ROWS_IN_MEMORY) =>
  (): RebuildSession => {
    /** Held rows, in the order they were first held (a Map keeps insertion order); `dirty` until written. */
    const held = new Map<string, { row: Row; dirty: boolean }>();
    let dirtyCount = 0;
    const write = async (tx: ViewTransaction, entries: Iterable<{ row: Row; dirty: boolean }>) => {
      const changed: Row[] = [];
      for (const entry of entries) {
        if (!entry.dirty) continue;
        entry.dirty = false;
        changed.push(entry.row);
      }
      dirtyCount -= changed.length;
      if (changed.length > 0) await rows.save(tx.views, changed);
    };
    return {
      async applyBatch(tx, events) {
        const decoded = events.map(decodeKeyEvent).filter((event) => event !== undefined);
        if (decoded.length === 0) return;
        const stored = new Set<string>();
        const seen = new Set<string>();
        for (const { keyId, revision } of decoded) {
          if (seen.has(keyId)) continue;
          seen.add(keyId);
          if (revision > 0 && !held.has(keyId)) stored.add(keyId);
        }
        const loaded = stored.size > 0 ? await rows.load(tx.views, [...stored]) : new Map<string, Row>();
        for (const { keyId, revision, event } of decoded) {
          const entry = held.get(keyId);
          const row = entry ? entry.row : loaded.get(keyId);
          if (row && row.revision >= revision) continue;
          const next = evolve(row, event, revision);
          if (!next) continue;
          if (entry) {
            entry.row = next;
            if (!entry.dirty) dirtyCount++;
            entry.dirty = true;
          } else {
            held.set(keyId, { row: next, dirty: true });
            dirtyCount++;
          }
        }
        if (held.size <= capacity) return;
        const evicted: string[] = [];
        for (const keyId of held.keys()) {
          if (held.size - evicted.length <= capacity) break;
          evicted.push(keyId);
        }
        await write(tx, evicted.map((keyId) => held.get(keyId)!));
        for (const keyId of evicted) held.delete(keyId);
      },
      async flush(tx) {
        if (dirtyCount > 0) await write(tx, held.values());
      },
    };
  };

/**
 * A keyed view's two ways of applying events, from one rows adapter and one evolve, so the live fold
 * and the rebuild's can never differ: spread into the view (`...keyedFold(rows, evolve)`).
 */
export const keyedFold = <Row extends { revision: number }>(rows: KeyedRows<Row>, evolve: Evolve<Row>): Pick<ReadView, 'applyBatch' | 'openRebuild'> => ({
  applyBatch: foldBatch(rows, evolve),
  openRebuild: rebuildFold(rows, evolve),
});
