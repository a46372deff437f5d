/**
 * Conversions between the protobuf messages generated in `@eventstore/db-client/generated` and the
 * double's log. The messages must be built with these very classes: the generated service
 * serializers check `instanceof` against them.
 */
import { randomUUID } from 'node:crypto';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import type { Expected, ProposedEvent, StoredEvent } from './esdb-log.js';

const { ReadReq, ReadResp } = streamsPb;
type UUIDOption = InstanceType<typeof ReadReq.Options.UUIDOption>;
type Proposed = InstanceType<typeof streamsPb.AppendReq.ProposedMessage> | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>;

export const streamNameOf = (identifier: InstanceType<typeof sharedPb.StreamIdentifier> | undefined): string =>
  Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export const streamIdentifier = (streamName: string) =>
  new sharedPb.StreamIdentifier().setStreamName(Uint8Array.from(Buffer.from(streamName, 'utf8')));

export const sharedEmpty = () => new sharedPb.Empty();
export const googleEmpty = () => new emptyPb.Empty();

export function uuidText(uuid: InstanceType<typeof sharedPb.UUID> | undefined): string {
  if (!uuid) return randomUUID();
  if (!uuid.hasStructured()) return uuid.getString();
  const structured = uuid.getStructured()!;
  const bytes = Buffer.alloc(16);
  bytes.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  bytes.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function uuidMessage(id: string, option: UUIDOption | undefined) {
  const uuid = new sharedPb.UUID();
  if (!option?.hasStructured()) return uuid.setString(id);
  const bytes = Buffer.from(id.replaceAll('-', ''), 'hex');
  const structured = new sharedPb.UUID.Structured()
    .setMostSignificantBits(bytes.readBigInt64BE(0).toString())
    .setLeastSignificantBits(bytes.readBigInt64BE(8).toString());
  return uuid.setStructured(structured);
}

export function proposedEvent(message: Proposed): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: uuidText(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

export function expectedFromCase(
  kase: 'revision' | 'no_stream' | 'any' | 'stream_exists' | 'not_set',
  revision: string,
): Expected {
  switch (kase) {
    case 'revision':
      return { kind: 'revision', revision: BigInt(revision) };
    case 'no_stream':
      return { kind: 'no_stream' };
    case 'stream_exists':
      return { kind: 'stream_exists' };
    case 'any':
    case 'not_set':
      return { kind: 'any' };
    default:
      return kase satisfies never;
  }
}

/** An event as the server sends it on Read: `created` in ticks, positions on every event (22.x and later). */
export function eventResponse(event: StoredEvent, uuidOption: UUIDOption | undefined) {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuidMessage(event.id, uuidOption))
    .setStreamIdentifier(streamIdentifier(event.streamName))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('created', event.createdTicks.toString())
    .set('content-type', event.contentType);
  const readEvent = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(readEvent);
}

export const confirmationResponse = () =>
  new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID()));

export const caughtUpResponse = () => new ReadResp().setCaughtUp(new ReadResp.CaughtUp());

export const checkpointResponse = (position: bigint) =>
  new ReadResp().setCheckpoint(
    new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()),
  );

export const streamNotFoundResponse = (streamName: string) =>
  new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(streamName)));
