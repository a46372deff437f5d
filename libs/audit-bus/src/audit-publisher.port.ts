import { StoreUnavailableError } from '@keystream/store-errors';
import type { AuditCloudEvent } from './cloud-event.js';

/** Nest injection token for the AuditPublisher the relay publishes through. */
export const AUDIT_PUBLISHER = Symbol('AUDIT_PUBLISHER');

/** One CloudEvent on its way to the audit topic, keyed so one key's events share a partition. */
export interface AuditMessage {
  /** The key uid (the CloudEvent's subject): per-key order holds within one partition. */
  readonly key: string;
  readonly event: AuditCloudEvent;
}

/**
 * Where the audit relay sends key events. Delivery is at least once: a failed or repeated publish
 * may deliver some messages twice, so consumers dedupe by CloudEvent id.
 */
export interface AuditPublisher {
  /**
   * Resolves only once the broker has durably acknowledged every message (acks from all in-sync
   * replicas); rejects with AuditBusUnavailableError otherwise, and the caller retries the batch.
   * Messages with the same key are delivered in the order given.
   */
  publish(messages: readonly AuditMessage[]): Promise<void>;
  close(): Promise<void>;
}

/** The broker could not be reached or did not acknowledge in time; the batch may be retried. */
export class AuditBusUnavailableError extends StoreUnavailableError {}
