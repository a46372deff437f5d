/**
 * Streams.Read: stream reads, `$all` reads, and catch-up subscriptions to `$all`, following the
 * server's `Enumerators.AllSubscription(Filtered)` and `SubscriptionsService` (23.10 and later).
 */
import { status, type ServerWritableStream, type ServiceError } from '@grpc/grpc-js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { EsdbLog, StoredEvent } from './esdb-log.js';
import { Sender } from './esdb-read-sender.js';
import { droppedError, faultError, sleep, type FaultPlan } from './esdb-faults.js';
import {
  caughtUpResponse,
  checkpointResponse,
  confirmationResponse,
  eventResponse,
  streamNameOf,
  streamNotFoundResponse,
} from './esdb-messages.js';

type ReadReq = InstanceType<typeof streamsPb.ReadReq>;
type ReadResp = InstanceType<typeof streamsPb.ReadResp>;
type Options = InstanceType<typeof streamsPb.ReadReq.Options>;
type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

const { ReadReq: ReadReqClass } = streamsPb;
const { AllOptions, StreamOptions, FilterOptions } = ReadReqClass.Options;
const BACKWARDS = ReadReqClass.Options.ReadDirection.BACKWARDS;
/** The server's `ReadBatchSize`: page size of a catch-up read and default search window. */
const READ_BATCH_SIZE = 32;

/** Stops a live subscription; with an error, the client sees the call fail with it (dropped mid-stream). */
export type Registry = Set<(error?: ServiceError) => void>;

export interface ReadContext {
  readonly log: EsdbLog;
  readonly faults: FaultPlan;
  readonly subscriptions: Registry;
  readonly onSubscribed: () => void;
}

export function handleRead({ log, faults, subscriptions, onSubscribed }: ReadContext) {
  return async (call: ReadCall): Promise<void> => {
    const options = call.request.getOptions()!;
    const fault = faults.take(options.hasSubscription() ? 'subscribe' : 'read');
    if (fault?.kind === 'delay') await sleep(fault.ms);
    else if (fault && fault.kind !== 'drop-after') {
      const streamName = options.hasStream() ? streamNameOf(options.getStream()!.getStreamIdentifier()) : '$all';
      return void call.emit('error', faultError(fault, streamName));
    }
    if (call.cancelled) return;
    const sender = new Sender(call, fault?.kind === 'drop-after' ? { events: fault.events, error: droppedError() } : undefined);
    if (options.hasStream()) {
      if (options.hasSubscription()) return void call.emit('error', unimplemented('subscriptions to a single stream'));
      return void readStream(log, options, sender);
    }
    if (options.hasSubscription()) {
      onSubscribed();
      return void subscribeToAll(log, options, sender, subscriptions);
    }
    return void readAll(log, options, sender);
  };
}

async function readStream(log: EsdbLog, options: Options, sender: Sender): Promise<void> {
  const streamOptions = options.getStream()!;
  const streamName = streamNameOf(streamOptions.getStreamIdentifier());
  if (log.isTombstoned(streamName)) return sender.fail(faultError({ kind: 'stream-deleted' }, streamName));
  const stream = log.stream(streamName);
  if (!stream) return sender.finish(streamNotFoundResponse(streamName));
  const count = Number(BigInt(options.getCount() || '0'));
  const backwards = options.getReadDirection() === BACKWARDS;
  const from = (() => {
    switch (streamOptions.getRevisionOptionCase()) {
      case StreamOptions.RevisionOptionCase.START:
        return backwards ? -1 : 0;
      case StreamOptions.RevisionOptionCase.REVISION:
        return Math.min(Number(BigInt(streamOptions.getRevision())), stream.length);
      default:
        return backwards ? stream.length - 1 : stream.length;
    }
  })();
  const events = backwards ? stream.slice(0, from + 1).reverse() : stream.slice(from);
  for (const event of events.slice(0, count)) {
    if (!(await sender.send(eventResponse(event, options.getUuidOption())))) return;
  }
  sender.finish();
}

/** Forwards from a position is inclusive; backwards from a position returns what lies before it. */
async function readAll(log: EsdbLog, options: Options, sender: Sender): Promise<void> {
  const all = log.all;
  const allOptions = options.getAll()!;
  const backwards = options.getReadDirection() === BACKWARDS;
  const matches = filterOf(options).matches;
  const start = (() => {
    switch (allOptions.getAllOptionCase()) {
      case AllOptions.AllOptionCase.START:
        return 0;
      case AllOptions.AllOptionCase.POSITION:
        return log.indexAtOrAfter(BigInt(allOptions.getPosition()!.getCommitPosition()));
      default:
        return all.length;
    }
  })();
  const candidates = backwards ? all.slice(0, start).reverse() : all.slice(start);
  let remaining = Number(BigInt(options.getCount() || '0'));
  for (const event of candidates) {
    if (remaining <= 0) break;
    if (!matches(event)) continue;
    remaining--;
    if (!(await sender.send(eventResponse(event, options.getUuidOption())))) return;
  }
  sender.finish();
}

/**
 * Confirmation first; then catch-up pages of at most `READ_BATCH_SIZE` matches within a search
 * window, with a checkpoint whenever the scanned count reaches `multiplier * window` (not on the
 * last page); then, with no gap, live: `caughtUp`, then each new event, counting every event
 * (matching or not) toward the next checkpoint, sent after the event that completes the interval.
 */
async function subscribeToAll(log: EsdbLog, options: Options, sender: Sender, subscriptions: Registry): Promise<void> {
  const filter = filterOf(options);
  const uuidOption = options.getUuidOption();
  const all = log.all;
  let next = startIndex(log, options.getAll()!);
  let counter = 0;
  if (!(await sender.send(confirmationResponse()))) return;
  while (next < all.length) {
    let checkpoint = all[next]!.position;
    let scanned = 0;
    let matched = 0;
    while (next < all.length && scanned < filter.window && matched < READ_BATCH_SIZE) {
      const event = all[next++]!;
      scanned++;
      if (!filter.matches(event)) continue;
      matched++;
      checkpoint = event.position;
      if (!(await sender.send(eventResponse(event, uuidOption)))) return;
    }
    counter += scanned;
    if (next >= all.length || !filter.checkpointInterval || counter < filter.checkpointInterval) continue;
    counter %= filter.checkpointInterval;
    if (!(await sender.send(checkpointResponse(checkpoint)))) return;
  }
  // No await between the end of catch-up and registering: nothing committed in between is missed.
  const live: ReadResp[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  const unsubscribe = log.onCommitted((event) => {
    counter++;
    if (filter.matches(event)) live.push(eventResponse(event, uuidOption));
    if (filter.checkpointInterval && counter >= filter.checkpointInterval) {
      counter = 0;
      live.push(checkpointResponse(event.position));
    }
    wake?.();
  });
  const stop = (error?: ServiceError) => {
    if (error && !stopped) sender.fail(error);
    stopped = true;
    unsubscribe();
    subscriptions.delete(stop);
    wake?.();
  };
  subscriptions.add(stop);
  sender.onClose(() => stop());
  live.push(caughtUpResponse());
  while (!stopped && !sender.closed) {
    const message = live.shift();
    if (message) {
      await sender.send(message);
      continue;
    }
    await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
  }
  stop();
}

/** `End`: live only. A position: the server reads the first event at or after it and starts after that one. */
function startIndex(log: EsdbLog, allOptions: InstanceType<typeof AllOptions>): number {
  switch (allOptions.getAllOptionCase()) {
    case AllOptions.AllOptionCase.POSITION: {
      const index = log.indexAtOrAfter(BigInt(allOptions.getPosition()!.getCommitPosition()));
      return Math.min(index + 1, log.all.length);
    }
    case AllOptions.AllOptionCase.END:
      return log.all.length;
    default:
      return 0;
  }
}

interface Filter {
  matches(event: StoredEvent): boolean;
  /** Events scanned per catch-up page. */
  readonly window: number;
  /** Events scanned between checkpoints; undefined without a filter (no checkpoints then). */
  readonly checkpointInterval?: number;
}

function filterOf(options: Options): Filter {
  if (!options.hasFilter()) return { matches: () => true, window: READ_BATCH_SIZE };
  const filter = options.getFilter()!;
  const byStream = filter.getFilterCase() === FilterOptions.FilterCase.STREAM_IDENTIFIER;
  const expression = (byStream ? filter.getStreamIdentifier() : filter.getEventType())!;
  const prefixes = expression.getPrefixList();
  const regex = expression.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  const window = filter.getWindowCase() === FilterOptions.WindowCase.MAX ? filter.getMax() : READ_BATCH_SIZE;
  return {
    matches: (event) => {
      const value = byStream ? event.streamName : event.type;
      return prefixes.length > 0 ? prefixes.some((prefix) => value.startsWith(prefix)) : !!regex?.test(value);
    },
    window,
    checkpointInterval: Math.max(1, filter.getCheckpointintervalmultiplier()) * window,
  };
}

const unimplemented = (what: string) =>
  Object.assign(new Error(`The EventStoreDB protocol double does not implement ${what}`), { code: status.UNIMPLEMENTED });
