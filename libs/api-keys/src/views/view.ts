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
  save(views: ViewDatabase, rows: readonly Row[]): Promise<void>;
}

export type Evolve<Row> = (row: Row | undefined, event: ApiKeyEvent, revision: number) => Row | undefined;

/**
 * A view's batch apply: one query loads every row the batch touches, the pure evolve folds the
 * batch in memory, one multi-row upsert writes the rows that changed. An event at or below a row's
 * revision is a replay and changes nothing, so re-applying a batch (after a crash, or by another
 * instance) leaves the rows as they are.
 */
export const foldBatch =
  <Row extends { revision: number }>(rows: KeyedRows<Row>, evolve: Evolve<Row>) =>
  async (tx: ViewTransaction, events: readonly RecordedEvent[]): Promise<void> => {
    const decoded = events.map(decodeKeyEvent).filter((event) => event !== undefined);
    if (decoded.length === 0) return;
    const current = await rows.load(tx.views, [...new Set(decoded.map((event) => event.keyId))]);
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
