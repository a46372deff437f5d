import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditConsumerRunner, type AuditStore, openSqliteAuditStore } from '@keystream/audit';
import { AUDIT_RELAY, type AuditBusLogger, KafkaAuditPublisher, auditRelay } from '@keystream/audit-bus';
import { type EventStore, SqliteEventStore, formatPosition } from '@keystream/event-store';
import { decodeRelayedEvent } from '@keystream/directory';
import { CheckpointedProcessor } from '@keystream/processing';
import { type ReadModel, openSqliteReadModel } from '@keystream/read-model';
import { waitUntil } from '../../../libs/audit-bus/src/contract/wait-until.js';

export const quiet: AuditBusLogger = { info() {}, warn() {}, error() {} };

/** Files of one test's deployment: event store, read model (checkpoints), audit table. */
export interface Workspace {
  dir: string;
  eventStoreFile: string;
  readModelFile: string;
  auditFile: string;
  topic: string;
  remove(): void;
}

export function workspace(): Workspace {
  const dir = mkdtempSync(join(tmpdir(), 'keystream-kafka-'));
  return {
    dir,
    eventStoreFile: join(dir, 'events.sqlite'),
    readModelFile: join(dir, 'read-model.sqlite'),
    auditFile: join(dir, 'audit.sqlite'),
    topic: `test.audit.${randomUUID()}`,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The relay as apps/worker runs it (with the composition root's decoder): checkpointed processor -> Kafka publisher. */
export function startRelay(eventStore: EventStore, readModel: ReadModel, brokers: string[], topic: string) {
  const publisher = new KafkaAuditPublisher({ brokers, topic });
  const processor = new CheckpointedProcessor(eventStore, auditRelay(publisher, readModel, decodeRelayedEvent), quiet, { maxBackoffMs: 1000 });
  processor.start();
  return {
    processor,
    publisher,
    stop: async () => {
      await processor.stop();
      await publisher.close();
    },
  };
}

export async function startConsumer(audit: AuditStore, brokers: string[], topic: string, groupId = `test-audit-${randomUUID()}`) {
  const runner = new AuditConsumerRunner(audit, { brokers, topic, groupId });
  await runner.start();
  return runner;
}

/** Opens everything a single-process deployment of the audit path needs, over fresh files. */
export async function openStores(space: Workspace) {
  const eventStore = new SqliteEventStore(space.eventStoreFile);
  const readModel = await openSqliteReadModel(space.readModelFile);
  const audit = await openSqliteAuditStore(space.auditFile);
  return {
    eventStore,
    readModel,
    audit,
    close: async () => {
      await audit.close();
      await readModel.close();
      await eventStore.close();
    },
  };
}

/** Resolves once the relay's acknowledged checkpoint is at the event store's head. */
export async function relayCaughtUp(eventStore: EventStore, readModel: ReadModel, timeoutMs = 60_000): Promise<void> {
  const head = await eventStore.headPosition();
  if (!head) return;
  await waitUntil(`the relay at ${formatPosition(head)}`, () => readModel.getCheckpoint(AUDIT_RELAY), (checkpoint) => checkpoint === formatPosition(head), { timeoutMs });
}
