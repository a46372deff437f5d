import { afterAll, describe, expect, it } from 'vitest';
import { relayLag } from '@keystream/audit-bus';
import { waitUntil } from '../../libs/audit-bus/src/contract/wait-until.js';
import { auditCount, expectAuditTrailToMatchStore, storedKeyEvents } from './support/audit-trail.js';
import { KeyActivity, user } from './support/key-activity.js';
import { openStores, startConsumer, startRelay, workspace } from './support/audit-pipeline.js';
import { PrivateBroker } from './support/private-broker.js';
import { CommandStream } from './support/command-stream.js';

const TENANTS = ['acme', 'globex'];

describe('broker outage drill', () => {
  const space = workspace();
  let cleanup: () => Promise<void> = async () => {};
  afterAll(async () => {
    await cleanup();
    space.remove();
  });

  it('keeps taking commands while Kafka is down, shows the lag, and catches up with nothing lost or doubled', { timeout: 240_000 }, async () => {
    // Its own broker: this test stops and restarts it, which must not disturb the other Kafka tests.
    const broker = await PrivateBroker.create();
    await broker.start();
    const stores = await openStores(space);
    const relay = startRelay(stores.eventStore, stores.readModel, [broker.bootstrap], space.topic);
    const consumer = await startConsumer(stores.audit, [broker.bootstrap], space.topic);
    const commands = new CommandStream(new KeyActivity(stores.eventStore), TENANTS.map((tenant, i) => user(tenant, `user-${i}`)));
    cleanup = async () => {
      await commands.stop();
      await consumer.stop();
      await relay.stop();
      await stores.close();
      await broker.destroy();
    };

    commands.start();
    await waitUntil('50 events audited before the outage', () => auditCount(stores.audit, TENANTS), (count) => count >= 50);

    await broker.stop();
    const atOutage = commands.completed;
    await waitUntil('100 commands accepted during the outage', () => commands.completed - atOutage, (n) => n >= 100, { timeoutMs: 60_000 });
    const down = await waitUntil('the relay to report failed publishes', () => relay.processor.status(), (status) => status.state === 'retrying', { timeoutMs: 60_000 });
    expect(down.lastError).toMatch(/Kafka did not acknowledge/);
    expect((await relayLag(stores.eventStore, stores.readModel)).eventsBehind).toBeGreaterThanOrEqual(100);
    expect(commands.failures).toEqual([]);

    await broker.start();
    await waitUntil('100 more commands after the broker returned', () => commands.completed - atOutage, (n) => n >= 250, { timeoutMs: 60_000 });
    await commands.stop();
    const total = (await storedKeyEvents(stores.eventStore)).length;
    await waitUntil(`all ${total} events audited`, () => auditCount(stores.audit, TENANTS), (count) => count >= total, { timeoutMs: 120_000 });
    expect(await relayLag(stores.eventStore, stores.readModel)).toMatchObject({ eventsBehind: 0 });
    await expectAuditTrailToMatchStore(stores.eventStore, stores.audit, TENANTS);
  });
});
