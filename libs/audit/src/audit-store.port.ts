import type { AuditAction, AuditCloudEvent } from '@keystream/audit-bus';
import type { BrokenLinkReason } from './audit-chain.js';

/** Nest injection token for the AuditStore the HTTP endpoint reads. */
export const AUDIT_STORE = Symbol('AUDIT_STORE');

/** One stored audit event: the CloudEvent plus its place in the tenant's hash chain. */
export interface AuditEntry {
  tenantId: string;
  /** Position in the tenant's chain, from 1, without gaps. */
  seq: number;
  /** The CloudEvent id, unique across the table. */
  eventId: string;
  keyUid: string;
  actorUid: string;
  action: AuditAction;
  occurredAt: string;
  event: AuditCloudEvent;
  prevHash: string;
  hash: string;
}

export interface AppendResult {
  stored: number;
  /** Events already stored (redelivered after a crash or rebalance, or published twice). */
  duplicates: number;
}

/** Newest first. Every filter is optional except the tenant. */
export interface AuditQuery {
  tenantId: string;
  keyUid?: string;
  actorUid?: string;
  action?: AuditAction;
  /** Only events whose CloudEvent data names this user as the key's owner (`data.ownerUid`). */
  ownerUid?: string;
  /** Only events of these actions (none: nothing). */
  actions?: readonly AuditAction[];
  /** Inclusive lower bound on `occurredAt` (RFC 3339). */
  from?: string;
  /** Exclusive upper bound on `occurredAt` (RFC 3339). */
  to?: string;
  limit: number;
  /** Keyset cursor: only entries with a smaller seq (the previous page's `nextBeforeSeq`). */
  beforeSeq?: number;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Present when older entries may follow. */
  nextBeforeSeq?: number;
}

export type ChainVerification =
  | { ok: true; tenantId: string; entries: number; headHash?: string }
  | {
      ok: false;
      tenantId: string;
      /** Entries verified intact before the break. */
      entries: number;
      broken: { seq: number; eventId: string; reason: BrokenLinkReason };
    };

export interface AuditStore {
  /**
   * In one transaction, stores each event not stored before (by CloudEvent id) at the end of its
   * tenant's chain, in the order given. Safe to call again with the same events, and from several
   * consumer processes at once.
   */
  append(events: readonly AuditCloudEvent[]): Promise<AppendResult>;
  query(query: AuditQuery): Promise<AuditPage>;
  /** The tenant's newest `limit` entries, oldest of them first (as `tail` prints). */
  tail(tenantId: string, limit: number): Promise<AuditEntry[]>;
  /** Recomputes the tenant's chain from its first entry and reports the first broken link. */
  verifyChain(tenantId: string): Promise<ChainVerification>;
  count(tenantId: string): Promise<number>;
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}
