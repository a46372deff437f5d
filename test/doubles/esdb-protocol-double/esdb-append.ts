/**
 * Streams.Append (one client stream per write) and Streams.BatchAppend (one long-lived duplex
 * stream, writes told apart by correlation id). A 6.x client uses BatchAppend whenever
 * ServerFeatures lists it, as every server since 21.10 does, and Append otherwise.
 */
import type { sendUnaryData, ServerDuplexStream, ServerReadableStream } from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import codePb from '@eventstore/db-client/generated/code_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { AppendOutcome, EsdbLog, Expected, ProposedEvent } from './esdb-log.js';
import { faultError, maxAppendSizeError, sleep, type Fault, type FaultPlan } from './esdb-faults.js';
import { expectedFromCase, googleEmpty, proposedEvent, sharedEmpty, streamIdentifier, streamNameOf } from './esdb-messages.js';

export interface AppendContext {
  readonly log: EsdbLog;
  readonly faults: FaultPlan;
  /** Bytes one append may carry (the server's `MaxAppendSize`, 1 MiB by default). */
  readonly maxAppendSize: number;
}

/** What the server counts toward `MaxAppendSize`: `Event.SizeOnDisk` (data, metadata, type as UTF-16). */
export const sizeOnDisk = (events: readonly ProposedEvent[]): number =>
  events.reduce((size, event) => size + event.data.length + event.metadata.length + 2 * event.type.length, 0);

const { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } = streamsPb;
type AppendRequest = InstanceType<typeof AppendReq>;
type AppendResponse = InstanceType<typeof AppendResp>;
type BatchRequest = InstanceType<typeof BatchAppendReq>;
type BatchResponse = InstanceType<typeof BatchAppendResp>;

export function handleAppend({ log, faults, maxAppendSize }: AppendContext) {
  return (call: ServerReadableStream<AppendRequest, AppendResponse>, callback: sendUnaryData<AppendResponse>): void => {
    const fault = faults.take('append');
    let streamName = '';
    let expected: Expected = { kind: 'any' };
    const events: ProposedEvent[] = [];
    call.on('error', () => undefined); // a client that goes away mid-write just abandons it
    call.on('data', (request: AppendRequest) => {
      if (request.hasOptions()) {
        const options = request.getOptions()!;
        streamName = streamNameOf(options.getStreamIdentifier());
        expected = expectedFromCase(appendCase(options.getExpectedStreamRevisionCase()), options.getRevision());
      } else {
        events.push(proposedEvent(request.getProposedMessage()!));
      }
    });
    call.on('end', async () => {
      if (fault?.kind === 'delay') await sleep(fault.ms);
      else if (fault && fault.kind !== 'drop-after') return callback(faultError(fault, streamName));
      if (log.isTombstoned(streamName)) return callback(faultError({ kind: 'stream-deleted' }, streamName));
      if (sizeOnDisk(events) > maxAppendSize) return callback(maxAppendSizeError(maxAppendSize));
      callback(null, appendResponse(log.append(streamName, expected, events)));
    });
  };
}

function appendResponse(outcome: AppendOutcome): AppendResponse {
  if (outcome.kind === 'wrong-expected-version') {
    const wrong = new AppendResp.WrongExpectedVersion();
    if (outcome.current === undefined) wrong.setCurrentNoStream(sharedEmpty());
    else wrong.setCurrentRevision(outcome.current.toString());
    const { expected } = outcome;
    if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
    else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(sharedEmpty());
    else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(sharedEmpty());
    else wrong.setExpectedAny(sharedEmpty());
    return new AppendResp().setWrongExpectedVersion(wrong);
  }
  const success = new AppendResp.Success();
  if (!outcome.last) return new AppendResp().setSuccess(success.setNoStream(sharedEmpty()).setNoPosition(sharedEmpty()));
  const position = outcome.last.position.toString();
  success
    .setCurrentRevision(outcome.last.revision.toString())
    .setPosition(new AppendResp.Position().setCommitPosition(position).setPreparePosition(position));
  return new AppendResp().setSuccess(success);
}

interface PendingBatch {
  streamName: string;
  expected: Expected;
  events: ProposedEvent[];
  /** Milliseconds since the epoch; the client sends one with every write. */
  deadline: number | undefined;
  fault: Fault | undefined;
}

export function handleBatchAppend({ log, faults, maxAppendSize }: AppendContext) {
  return (call: ServerDuplexStream<BatchRequest, BatchResponse>): void => {
    const pending = new Map<string, PendingBatch>();
    call.on('error', () => undefined); // the client dropped the stream; its pending writes are abandoned
    call.on('data', (request: BatchRequest) => {
      const correlationId = request.getCorrelationId()!;
      const key = correlationId.getString() || correlationId.serializeBinary().toString();
      if (request.hasOptions()) {
        const options = request.getOptions()!;
        const fault = faults.take('append');
        const streamName = streamNameOf(options.getStreamIdentifier());
        // Not-leader and unavailable fail the whole call, as the server's interceptors do.
        // (`drop-after` is for reads; an append ignores it.)
        if (fault && (fault.kind === 'not-leader' || fault.kind === 'unavailable')) {
          return void call.emit('error', faultError(fault, streamName));
        }
        pending.set(key, {
          streamName,
          expected: expectedFromCase(batchCase(options.getExpectedStreamPositionCase()), options.getStreamPosition()),
          events: [],
          deadline: options.hasDeadline() ? options.getDeadline()!.toDate().getTime() : undefined,
          fault,
        });
      }
      const batch = pending.get(key);
      if (!batch) return;
      batch.events.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(key);
      void answerBatch(log, maxAppendSize, batch).then((response) => {
        if (call.cancelled) return;
        call.write(response.setCorrelationId(correlationId).setStreamIdentifier(streamIdentifier(batch.streamName)));
      });
    });
    call.on('end', () => call.end());
  };
}

async function answerBatch(log: EsdbLog, maxAppendSize: number, batch: PendingBatch): Promise<BatchResponse> {
  const { fault } = batch;
  if (fault?.kind === 'access-denied') return statusResponse(batch.expected, codePb.Code.PERMISSION_DENIED, 'AccessDenied', new sharedPb.AccessDenied(), 'AccessDenied');
  if (fault?.kind === 'stream-deleted' || log.isTombstoned(batch.streamName)) {
    const details = new sharedPb.StreamDeleted().setStreamIdentifier(streamIdentifier(batch.streamName));
    return statusResponse(batch.expected, codePb.Code.FAILED_PRECONDITION, 'StreamDeleted', details, 'StreamDeleted');
  }
  if (sizeOnDisk(batch.events) > maxAppendSize) {
    const details = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(maxAppendSize);
    return statusResponse(batch.expected, codePb.Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details, 'MaximumAppendSizeExceeded');
  }
  if (fault?.kind === 'delay') await sleep(fault.ms);
  const response = batchResponse(log.append(batch.streamName, batch.expected, batch.events), batch.expected);
  // Written, but too late: the server answers Timeout, and the client cannot know the write happened.
  if (batch.deadline !== undefined && Date.now() > batch.deadline) {
    return statusResponse(batch.expected, codePb.Code.DEADLINE_EXCEEDED, 'Timeout', new sharedPb.Timeout(), 'Timeout');
  }
  return response;
}

/** An error answer: a `google.rpc.Status` packing `event_store.client.<name>`. */
function statusResponse(
  expected: Expected,
  code: number,
  message: string,
  details: { serializeBinary(): Uint8Array },
  name: string,
): BatchResponse {
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), `event_store.client.${name}`);
  return withExpected(new BatchAppendResp(), expected).setError(new statusPb.Status().setCode(code).setMessage(message).setDetails(packed));
}

function withExpected(response: BatchResponse, expected: Expected): BatchResponse {
  if (expected.kind === 'revision') return response.setStreamPosition(expected.revision.toString());
  if (expected.kind === 'no_stream') return response.setNoStream(googleEmpty());
  if (expected.kind === 'stream_exists') return response.setStreamExists(googleEmpty());
  return response.setAny(googleEmpty());
}

function batchResponse(outcome: AppendOutcome, expected: Expected): BatchResponse {
  const response = withExpected(new BatchAppendResp(), expected);
  if (outcome.kind === 'wrong-expected-version') return response.setError(wrongExpectedVersionStatus(outcome));
  const success = new BatchAppendResp.Success();
  if (!outcome.last) return response.setSuccess(success.setNoStream(googleEmpty()).setNoPosition(googleEmpty()));
  const position = outcome.last.position.toString();
  success
    .setCurrentRevision(outcome.last.revision.toString())
    .setPosition(new sharedPb.AllStreamPosition().setCommitPosition(position).setPreparePosition(position));
  return response.setSuccess(success);
}

/** A google.rpc.Status whose details pack an `event_store.client.WrongExpectedVersion`. */
function wrongExpectedVersionStatus(outcome: Extract<AppendOutcome, { kind: 'wrong-expected-version' }>) {
  const details = new sharedPb.WrongExpectedVersion();
  if (outcome.current === undefined) details.setCurrentNoStream(googleEmpty());
  else details.setCurrentStreamRevision(outcome.current.toString());
  const { expected } = outcome;
  if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') details.setExpectedNoStream(googleEmpty());
  else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(googleEmpty());
  else details.setExpectedAny(googleEmpty());
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), 'event_store.client.WrongExpectedVersion');
  return new statusPb.Status()
    .setCode(codePb.Code.FAILED_PRECONDITION)
    .setMessage('WrongExpectedVersion')
    .setDetails(packed);
}

function appendCase(kase: number) {
  const cases = AppendReq.Options.ExpectedStreamRevisionCase;
  if (kase === cases.REVISION) return 'revision';
  if (kase === cases.NO_STREAM) return 'no_stream';
  if (kase === cases.STREAM_EXISTS) return 'stream_exists';
  return kase === cases.ANY ? 'any' : 'not_set';
}

function batchCase(kase: number) {
  const cases = BatchAppendReq.Options.ExpectedStreamPositionCase;
  if (kase === cases.STREAM_POSITION) return 'revision';
  if (kase === cases.NO_STREAM) return 'no_stream';
  if (kase === cases.STREAM_EXISTS) return 'stream_exists';
  return kase === cases.ANY ? 'any' : 'not_set';
}

/** Streams.Tombstone with any expected revision (the double ignores the one sent): answers without a position. */
export function handleTombstone(log: EsdbLog) {
  return (
    call: { request: InstanceType<typeof streamsPb.TombstoneReq> },
    callback: sendUnaryData<InstanceType<typeof streamsPb.TombstoneResp>>,
  ): void => {
    const streamName = streamNameOf(call.request.getOptions()?.getStreamIdentifier());
    if (log.isTombstoned(streamName)) return callback(faultError({ kind: 'stream-deleted' }, streamName));
    log.tombstone(streamName);
    callback(null, new streamsPb.TombstoneResp().setNoPosition(sharedEmpty()));
  };
}
