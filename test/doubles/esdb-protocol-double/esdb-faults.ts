/**
 * Fault injection for the protocol double (tests only): the failures a real EventStoreDB sends, as it
 * sends them on the wire, so the real client raises its own error classes. A test switches a fault on
 * for the next call(s) of one kind, or for every call, and clears it when done.
 *
 * Wire shapes follow the server's `RpcExceptions` (EventStore/EventStore, src/EventStore.Core/Services/
 * Transport/Grpc/RpcExceptions.cs): a gRPC status with an `exception` trailer the client switches on,
 * and, inside a BatchAppend response, a `google.rpc.Status` packing the matching `event_store.client` detail.
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

export type Fault =
  /** PERMISSION_DENIED, `exception: access-denied` (wrong ACL, or no credentials where they are needed). */
  | { readonly kind: 'access-denied' }
  /** FAILED_PRECONDITION, `exception: stream-deleted`: the stream was tombstoned. */
  | { readonly kind: 'stream-deleted'; readonly streamName?: string }
  /** NOT_FOUND, `exception: not-leader` with the leader's endpoint: this node is a follower. */
  | { readonly kind: 'not-leader'; readonly host: string; readonly port: number }
  /** UNAVAILABLE: the node is shutting down or not ready. */
  | { readonly kind: 'unavailable' }
  /**
   * The server is slow: the call is handled `ms` late. An append is still committed, as a write the
   * server finished after the client gave up would be; a BatchAppend past its deadline answers Timeout.
   */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * A read or subscription that fails mid-stream: after sending this many events (catch-up or live),
   * the call ends with ABORTED, as a server dropping a consumer does.
   */
  | { readonly kind: 'drop-after'; readonly events: number };

export type FaultedCall = 'append' | 'read' | 'subscribe';

export class FaultPlan {
  private readonly queued: Record<FaultedCall, Fault[]> = { append: [], read: [], subscribe: [] };
  private readonly standing = new Map<FaultedCall, Fault>();

  /** The next `times` calls of this kind meet the fault. */
  next(call: FaultedCall, fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.queued[call].push(fault);
  }

  /** Every call of this kind meets the fault until `clear`. */
  always(call: FaultedCall, fault: Fault): void {
    this.standing.set(call, fault);
  }

  clear(): void {
    for (const list of Object.values(this.queued)) list.length = 0;
    this.standing.clear();
  }

  /** The fault for a call that is starting now, if any (a queued one is used up). */
  take(call: FaultedCall): Fault | undefined {
    return this.queued[call].shift() ?? this.standing.get(call);
  }
}

/** The gRPC error a server returns for a fault that fails the call (all but `delay`). */
export function faultError(fault: Exclude<Fault, { kind: 'delay' | 'drop-after' }>, streamName = ''): ServiceError {
  switch (fault.kind) {
    case 'access-denied':
      return serviceError(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
    case 'stream-deleted': {
      const name = fault.streamName ?? streamName;
      return serviceError(status.FAILED_PRECONDITION, `Event stream '${name}' is deleted.`, { exception: 'stream-deleted', 'stream-name': name });
    }
    case 'not-leader':
      return serviceError(status.NOT_FOUND, `Leader info available`, {
        exception: 'not-leader',
        'leader-endpoint-host': fault.host,
        'leader-endpoint-port': String(fault.port),
      });
    case 'unavailable':
      return serviceError(status.UNAVAILABLE, 'Server Is Not Ready', {});
    default:
      return fault satisfies never;
  }
}

export const droppedError = (): ServiceError =>
  serviceError(status.ABORTED, 'Consumer too slow to handle event while live. Client resubscription required.', {});

/** The server's answer to a call without valid credentials where they are required. */
export const unauthenticated = (): ServiceError => serviceError(status.UNAUTHENTICATED, 'Bad username or password', {});

/** `exception: maximum-append-size-exceeded` with the limit (unary Append). */
export const maxAppendSizeError = (limit: number): ServiceError =>
  serviceError(status.INVALID_ARGUMENT, `Maximum Append Size of ${limit} Exceeded.`, {
    exception: 'maximum-append-size-exceeded',
    'maximum-append-size': String(limit),
  });

function serviceError(code: status, details: string, trailers: Record<string, string>): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
