import type { EventToAppend } from '@keystream/event-store';
import { API_KEY_EVENT_SCHEMA_VERSION, type Caller, actorId } from '../domain/index.js';

export interface EnvelopeContext {
  eventId: string;
  caller: Caller;
  now: Date;
  correlationId: string;
  /** The stream's own schema version (key events by default; the tenant policy stream has its own). */
  schemaVersion?: number;
}

/**
 * A decided event as it is stored: the fact in `data`, and in `metadata` the schema version, the
 * tenant, who acted and how they authenticated (with the key they used), the correlation id and
 * the time. The audit relay and every reader rely on this shape.
 */
export const toEventToAppend = (
  event: { type: string; data: object },
  { eventId, caller, now, correlationId, schemaVersion = API_KEY_EVENT_SCHEMA_VERSION }: EnvelopeContext,
): EventToAppend => ({
  id: eventId,
  type: event.type,
  data: { ...event.data },
  metadata: {
    schemaVersion,
    tenantId: caller.tenantId,
    actor: {
      userId: actorId(caller),
      via: caller.kind === 'system' ? 'system' : caller.via,
      ...(caller.kind === 'user' && caller.keyId ? { keyId: caller.keyId } : {}),
    },
    correlationId,
    occurredAt: now.toISOString(),
  },
});
