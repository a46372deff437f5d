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
import { expectedFromCase, googleEmpty, proposedEvent, sharedEmpty, streamIdentifier, streamNameOf } from './esdb-messages.js';

const { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } = streamsPb;
type AppendRequest = InstanceType<typeof AppendReq>;
type AppendResponse = InstanceType<typeof AppendResp>;
type BatchRequest = InstanceType<typeof BatchAppendReq>;
type BatchResponse = InstanceType<typeof BatchAppendResp>;

export function handleAppend(log: EsdbLog) {
  return (call: ServerReadableStream<AppendRequest, AppendResponse>, callback: sendUnaryData<AppendResponse>): void => {
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
    call.on('end', () => callback(null, appendResponse(log.append(streamName, expected, events))));
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
}

export function handleBatchAppend(log: EsdbLog) {
  return (call: ServerDuplexStream<BatchRequest, BatchResponse>): void => {
    const pending = new Map<string, PendingBatch>();
    call.on('error', () => undefined); // the client dropped the stream; its pending writes are abandoned
    call.on('data', (request: BatchRequest) => {
      const correlationId = request.getCorrelationId()!;
      const key = correlationId.getString() || correlationId.serializeBinary().toString();
      if (request.hasOptions()) {
        const options = request.getOptions()!;
        pending.set(key, {
          streamName: streamNameOf(options.getStreamIdentifier()),
          expected: expectedFromCase(batchCase(options.getExpectedStreamPositionCase()), options.getStreamPosition()),
          events: [],
        });
      }
      const batch = pending.get(key);
      if (!batch) return;
      batch.events.push(...request.getProposedMessagesList().map(proposedEvent));
      if (!request.getIsFinal()) return;
      pending.delete(key);
      const response = batchResponse(log.append(batch.streamName, batch.expected, batch.events), batch.expected);
      if (call.cancelled) return;
      call.write(response.setCorrelationId(correlationId).setStreamIdentifier(streamIdentifier(batch.streamName)));
    });
    call.on('end', () => call.end());
  };
}

function batchResponse(outcome: AppendOutcome, expected: Expected): BatchResponse {
  const response = new BatchAppendResp();
  if (expected.kind === 'revision') response.setStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') response.setNoStream(googleEmpty());
  else if (expected.kind === 'stream_exists') response.setStreamExists(googleEmpty());
  else response.setAny(googleEmpty());
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
