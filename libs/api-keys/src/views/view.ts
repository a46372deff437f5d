import type { RecordedEvent } from '@keystream/event-store';
import type { Projection } from '@keystream/processing';
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
