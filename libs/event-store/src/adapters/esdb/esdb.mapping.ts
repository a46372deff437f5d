/**
 * Translations between `@eventstore/db-client` and the EventStore port: events, expected
 * revisions, positions and errors. No I/O here.
 */
import {
  ANY,
  AccessDeniedError,
  MaxAppendSizeExceededError,
  NO_STREAM,
  NotLeaderError,
  StreamDeletedError,
  WrongExpectedVersionError,
  isCommandError,
  isSystemStream,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { ConcurrencyError, EventStoreUnavailableError } from '../../event-store.errors.js';
import { EventAppendTooLargeError, EventStreamDeletedError } from './esdb.errors.js';
import type {
  AllFilter,
  EventToAppend,
  ExpectedRevision,
  GlobalPosition,
  JsonObject,
  RecordedEvent,
} from '../../event-store.port.js';

export const toEventData = (event: EventToAppend) =>
  jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata });

export function toAppendExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return expected;
}

/** What a server sends when it has no position for an event (stream reads before 22.6). */
const NO_POSITION = 2n ** 64n - 1n;

export const toGlobalPosition = (position: Position | undefined): GlobalPosition | undefined =>
  position && position.commit !== NO_POSITION ? { commit: position.commit, prepare: position.prepare } : undefined;

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

/**
 * A recorded event the port can carry: JSON object data, metadata and a position. Anything else
 * (binary events, links, events without a position) is not one of ours and maps to undefined.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  const position = toGlobalPosition(event?.position);
  if (!event || !event.isJson || !isJsonObject(event.data) || !position) return undefined;
  return {
    id: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: event.revision,
    position,
    data: event.data,
    metadata: isJsonObject(event.metadata) ? event.metadata : {},
    recordedAt: event.created,
  };
}

/** The server filters by prefix too; this also keeps `$` system streams out whatever the prefixes. */
export const isOurs = (streamName: string, filter: AllFilter): boolean =>
  !isSystemStream(streamName) && filter.streamNamePrefixes.some((prefix) => streamName.startsWith(prefix));

const describeRevision = (revision: bigint | string): string => (typeof revision === 'bigint' ? revision.toString() : revision);

/**
 * The one place client errors become the port's: a conflict, a refusal the caller caused (too large,
 * deleted stream: 4xx), or the store being unavailable (503, logged as an outage). AccessDenied and
 * Unauthenticated are an outage with a message that says what to fix: the request is not at fault,
 * the deployment is, and retrying will not help until the credentials or ACLs change.
 */
export function toStoreError(error: unknown, streamName: string | undefined, action: string): Error {
  if (error instanceof WrongExpectedVersionError && streamName !== undefined) {
    return new ConcurrencyError(streamName, describeRevision(error.expectedVersion), describeRevision(error.actualVersion));
  }
  if (error instanceof MaxAppendSizeExceededError) return new EventAppendTooLargeError(error.maxAppendSize, { cause: error });
  if (error instanceof StreamDeletedError) return new EventStreamDeletedError(streamName ?? error.streamName, { cause: error });
  if (error instanceof ConcurrencyError || error instanceof EventStoreUnavailableError) return error;
  if (error instanceof EventAppendTooLargeError || error instanceof EventStreamDeletedError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof AccessDeniedError) {
    return new EventStoreUnavailableError(
      `EventStoreDB denied the ${action} (${reason}): check the user name and password in ESDB_CONNECTION_STRING ` +
        '(a secure node refuses anonymous calls) and the ACLs of that user',
      { cause: error },
    );
  }
  if (error instanceof NotLeaderError) {
    return new EventStoreUnavailableError(`EventStoreDB ${action} failed: no leader answered (last hint ${error.leader.address}:${error.leader.port})`, {
      cause: error,
    });
  }
  return new EventStoreUnavailableError(`EventStoreDB ${action} failed: ${reason}${hintFor(reason)}`, { cause: error });
}

/** A connection that fails at the TLS layer is a configuration mistake: say which one. */
function hintFor(reason: string): string {
  if (/certificate|self.signed|unable to verify|SSL|handshake|wrong version number/i.test(reason)) {
    return ' (TLS: check tls=true and tlsCAFile in ESDB_CONNECTION_STRING against the server certificate)';
  }
  if (/Failed to connect|Connection dropped|Protocol error|RST_STREAM/i.test(reason)) {
    return ' (is the server up at that address? A secure node also refuses tls=false)';
  }
  return '';
}

const TRANSIENT_TYPES = new Set(['unavailable', 'cancelled', 'deadline-exceeded', 'timeout', 'not-leader']);
/** UNAVAILABLE, CANCELLED, DEADLINE_EXCEEDED, ABORTED ("consumer too slow"), INTERNAL (connection reset). */
const TRANSIENT_GRPC_CODES = new Set([14, 1, 4, 10, 13]);

/** Worth resubscribing after: the server went away, restarted, changed leader or dropped a slow consumer. */
export function isTransient(error: unknown): boolean {
  if (error instanceof Error && isCommandError(error)) return TRANSIENT_TYPES.has(error.type) || TRANSIENT_GRPC_CODES.has(Number(error.code));
  if (error instanceof EventStoreUnavailableError) return isTransient(error.cause);
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return TRANSIENT_GRPC_CODES.has(code);
  return error instanceof Error && error.message.startsWith('Failed to discover');
}
