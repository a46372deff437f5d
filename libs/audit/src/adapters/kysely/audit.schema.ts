import type { ColumnType } from 'kysely';

export const AUDIT_TABLE = 'audit_events';

/** `pg` returns BIGINT as a string; SQLite as a number. Rows are mapped with Number(). */
type BigIntColumn = ColumnType<number | string, number, never>;

export interface AuditEventsTable {
  tenant_id: string;
  seq: BigIntColumn;
  event_id: string;
  key_uid: string;
  actor_uid: string;
  action: string;
  occurred_at: string;
  /** Canonical JSON of the CloudEvent (structured form). */
  cloud_event: string;
  prev_hash: string;
  hash: string;
}

export interface AuditDatabase {
  [AUDIT_TABLE]: AuditEventsTable;
}
