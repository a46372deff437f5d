import type { RecordedEvent } from '@keystream/event-store';
import { type BatchConsumer, CheckpointMovedError } from '@keystream/processing';
import type { CheckpointStore } from '@keystream/read-model';
import type { AuditMessage, AuditPublisher } from './audit-publisher.port.js';
import { AUDITED_DIRECTORY_STREAM_PREFIX, AUDITED_STREAM_PREFIX, AUDITED_TENANT_STREAM_PREFIX, type ApiKeyEventDecoder, type CloudEventOptions, toCloudEvent } from './cloud-event.js';

/** The relay's checkpoint name. Its own, never a projection's: a rebuild can never move it. */
export const AUDIT_RELAY = 'audit-relay-v1';

/**
 * Key, tenant and directory streams. A prefix added here is read from the relay's checkpoint on:
 * events of those streams written before the checkpoint are not published after an upgrade.
 */
export const AUDIT_RELAY_FILTER = { streamNamePrefixes: [AUDITED_STREAM_PREFIX, AUDITED_TENANT_STREAM_PREFIX, AUDITED_DIRECTORY_STREAM_PREFIX] };

export interface AuditRelayOptions extends CloudEventOptions {
  /** Only to run a second, independent relay (another topic); defaults to AUDIT_RELAY. */
  name?: string;
}

/**
 * The audit relay as a CheckpointedProcessor consumer: each batch of key events becomes ONE
 * publish, and only after the broker acknowledged all of it does the checkpoint move, by
 * compare-and-set. A crash between the two re-publishes that batch (at least once, consumers
 * dedupe by CloudEvent id); a failed publish throws, so the processor retries with back-off and
 * the checkpoint, hence the lag, stays where it was. Events that are not key events are skipped.
 */
export function auditRelay(
  publisher: AuditPublisher,
  readModel: CheckpointStore,
  decode: ApiKeyEventDecoder,
  options: AuditRelayOptions = {},
): BatchConsumer {
  const name = options.name ?? AUDIT_RELAY;
  return {
    name,
    filter: AUDIT_RELAY_FILTER,
    loadCheckpoint: () => readModel.getCheckpoint(name),
    async consume(events, { expected, next }) {
      await publisher.publish(toAuditMessages(events, decode, options));
      const moved = await readModel.transaction((tx) => tx.compareAndSetCheckpoint(name, expected, next));
      if (!moved) throw new CheckpointMovedError();
    },
  };
}

export function toAuditMessages(events: readonly RecordedEvent[], decode: ApiKeyEventDecoder, options: CloudEventOptions = {}): AuditMessage[] {
  return events.flatMap((recorded) => {
    const decoded = decode(recorded);
    if (!decoded) return [];
    const event = toCloudEvent(recorded, decoded, options);
    return [{ key: event.subject, event }];
  });
}
