import { afterAll, describe, expect, inject, it } from 'vitest';
import { AUDIT_RELAY, parseBrokers } from '@keystream/audit-bus';
import { waitUntil } from '../../libs/audit-bus/src/contract/wait-until.js';
import { KafkaTopicReader, deleteTopics } from '../../libs/audit-bus/src/contract/kafka-topic-reader.js';
import { auditCount, expectAuditTrailToMatchStore, storedKeyEvents } from './support/audit-trail.js';
import { openStores, startConsumer, workspace } from './support/audit-pipeline.js';
import { TsProcess } from './support/child-process.js';
import { CommandStream } from './support/command-stream.js';
import { KeyActivity, user } from './support/key-activity.js';

const brokers = parseBrokers(inject('kafkaBrokers'));
const TENANTS = ['acme', 'globex'];
const KILLS = 3;

describe('relay crash drill', () => {
  const space = workspace();
  let cleanup: () => Promise<void> = async () => {};
  afterAll(async () => {
    await cleanup();
    await deleteTopics(brokers, [space.topic]);
    space.remove();
  });

  it(`loses and doubles nothing when the relay process is SIGKILLed mid-stream ${KILLS} times`, { timeout: 240_000 }, async () => {
    const stores = await openStores(space);
    const consumer = await startConsumer(stores.audit, brokers, space.topic);
    const commands = new CommandStream(new KeyActivity(stores.eventStore), TENANTS.map((tenant, i) => user(tenant, `user-${i}`)));
    let relay: TsProcess | undefined;
    let reader: KafkaTopicReader | undefined;
    cleanup = async () => {
      await relay?.kill();
      await commands.stop();
      await reader?.close();
      await consumer.stop();
      await stores.close();
    };
    // Small batches: many publish/checkpoint cycles, so a kill usually lands inside one.
    const spawnRelay = () =>
      new TsProcess('test/kafka/fixtures/relay.process.ts', {
        EVENT_STORE_FILE: space.eventStoreFile,
        READ_MODEL_FILE: space.readModelFile,
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_AUDIT_TOPIC: space.topic,
        RELAY_BATCH_SIZE: '20',
      });
    const advances = (process: TsProcess) => process.lines.filter((line) => line.startsWith('{"advanced"')).length;

    commands.start();
    for (let kill = 1; kill <= KILLS; kill++) {
      relay = spawnRelay();
      await relay.waitForLine(/"ready":true/);
      const running = relay;
      await waitUntil('the relay to publish a few batches', () => advances(running), (n) => n >= 5);
      await relay.kill('SIGKILL');
      const checkpoint = await stores.readModel.getCheckpoint(AUDIT_RELAY);
      const before = commands.completed;
      await waitUntil('30 commands while no relay runs', () => commands.completed - before, (n) => n >= 30);
      expect(await stores.readModel.getCheckpoint(AUDIT_RELAY), 'nothing relays while the relay is down').toBe(checkpoint);
    }

    relay = spawnRelay();
    await relay.waitForLine(/"ready":true/);
    await commands.stop();
    expect(commands.failures).toEqual([]);
    const total = (await storedKeyEvents(stores.eventStore)).length;
    await waitUntil(`all ${total} events audited`, () => auditCount(stores.audit, TENANTS), (count) => count >= total, { timeoutMs: 120_000 });
    await expectAuditTrailToMatchStore(stores.eventStore, stores.audit, TENANTS);

    reader = await KafkaTopicReader.start(brokers, space.topic);
    const published = (await reader.waitFor(total)).length;
    console.info(`relay crash drill: ${total} events, ${published} messages on the topic (${published - total} re-published after kills)`);
  });
});
