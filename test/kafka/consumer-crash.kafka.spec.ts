import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { auditCommand, openSqliteAuditStore } from '@keystream/audit';
import { parseBrokers } from '@keystream/audit-bus';
import { waitUntil } from '../../libs/audit-bus/src/contract/wait-until.js';
import { deleteTopics } from '../../libs/audit-bus/src/contract/kafka-topic-reader.js';
import { auditCount, expectAuditTrailToMatchStore, storedKeyEvents } from './support/audit-trail.js';
import { openStores, startRelay, workspace } from './support/audit-pipeline.js';
import { TsProcess } from './support/child-process.js';
import { CommandStream } from './support/command-stream.js';
import { KeyActivity, user } from './support/key-activity.js';

const brokers = parseBrokers(inject('kafkaBrokers'));
const TENANTS = ['acme', 'globex'];
const KILLS = 2;

describe('audit consumer crash drill', () => {
  const space = workspace();
  let cleanup: () => Promise<void> = async () => {};
  afterAll(async () => {
    await cleanup();
    await deleteTopics(brokers, [space.topic]);
    space.remove();
  });

  it(`stores every event once across ${KILLS} SIGKILLs mid-batch, and audit verify catches a hand-edited row`, { timeout: 240_000 }, async () => {
    const stores = await openStores(space);
    const relay = startRelay(stores.eventStore, stores.readModel, brokers, space.topic);
    const commands = new CommandStream(new KeyActivity(stores.eventStore), TENANTS.map((tenant, i) => user(tenant, `user-${i}`)));
    let consumer: TsProcess | undefined;
    cleanup = async () => {
      await consumer?.kill();
      await commands.stop();
      await relay.stop();
      await stores.close();
    };
    // The real entry point, as deployed; only its configuration is the test's.
    const groupId = `test-audit-${randomUUID()}`;
    const spawnConsumer = () =>
      new TsProcess('apps/audit-consumer/src/main.ts', {
        KAFKA_BROKERS: brokers.join(','),
        KAFKA_AUDIT_TOPIC: space.topic,
        KAFKA_AUDIT_GROUP: groupId,
        AUDIT_DB_FILE: space.auditFile,
        DATABASE_URL: '',
        LOG_LEVEL: 'info',
      });

    commands.start();
    for (let kill = 1; kill <= KILLS; kill++) {
      consumer = spawnConsumer();
      await consumer.waitForLine(/audit consumer running/);
      const stored = await auditCount(stores.audit, TENANTS);
      await waitUntil('the consumer to store 40 more events', () => auditCount(stores.audit, TENANTS), (count) => count >= stored + 40, { timeoutMs: 60_000 });
      await consumer.kill('SIGKILL');
    }

    consumer = spawnConsumer();
    await consumer.waitForLine(/audit consumer running/);
    await commands.stop();
    expect(commands.failures).toEqual([]);
    const total = (await storedKeyEvents(stores.eventStore)).length;
    await waitUntil(`all ${total} events audited`, () => auditCount(stores.audit, TENANTS), (count) => count >= total, { timeoutMs: 120_000 });
    await expectAuditTrailToMatchStore(stores.eventStore, stores.audit, TENANTS);

    // SIGTERM: the consumer finishes its batch, leaves the group and exits cleanly.
    await consumer.kill('SIGTERM');
    expect(await consumer.exited).toEqual({ code: 0, signal: null });
    const final = JSON.parse(consumer.lines.find((line) => line.includes('"msg":"stopped"'))!);
    console.info(`consumer crash drill: ${total} events; the last consumer stored ${final.stored} and skipped ${final.duplicates} redelivered`);

    const lines: string[] = [];
    const verify = async (tenant: string) => {
      process.exitCode = undefined;
      await auditCommand({ openAuditStore: () => openSqliteAuditStore(space.auditFile), print: (line) => lines.push(line) }).parseAsync(['verify', '--tenant', tenant], { from: 'user' });
      const exitCode = process.exitCode;
      process.exitCode = undefined;
      return exitCode;
    };
    expect(await verify('acme')).toBeUndefined();
    expect(lines.pop()).toMatch(/^tenant acme: audit chain intact, \d+ entries/);

    const database = new Database(space.auditFile);
    database.prepare("update audit_events set actor_uid = 'mallory' where tenant_id = 'acme' and seq = 17").run();
    database.close();
    expect(await verify('acme')).toBe(1);
    expect(lines.pop()).toMatch(/^tenant acme: audit chain BROKEN at seq 17 .*edited after it was stored/);
    expect(await verify('globex')).toBeUndefined();
  });
});
