import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuditMessage, type AuditPublisher, AuditBusUnavailableError } from '../audit-publisher.port.js';
import { auditMessage } from './audit-publisher.fixtures.js';

export interface AuditPublisherSubject {
  publisher: AuditPublisher;
  /**
   * Resolves once at least `count` messages can be read from what the publisher acknowledged,
   * with everything read so far, in delivery order within each key.
   */
  readBack(count: number): Promise<AuditMessage[]>;
  teardown(): Promise<void>;
}

const byKey = (messages: readonly AuditMessage[]): Map<string, AuditMessage[]> => {
  const groups = new Map<string, AuditMessage[]>();
  for (const message of messages) groups.set(message.key, [...(groups.get(message.key) ?? []), message]);
  return groups;
};

/** What every AuditPublisher adapter must do; each adapter's spec runs it with its own factory. */
export function describeAuditPublisherContract(name: string, makeSubject: () => Promise<AuditPublisherSubject>): void {
  describe(`AuditPublisher contract: ${name}`, () => {
    let subject: AuditPublisherSubject;
    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown();
    });

    it('publishing an empty batch sends nothing', async () => {
      const only = auditMessage('key-1', 0);
      await subject.publisher.publish([]);
      await subject.publisher.publish([only]);
      expect(await subject.readBack(1)).toEqual([only]);
    });

    it('delivers every attribute and the data unchanged, keyed by the key uid', async () => {
      const sent = [
        auditMessage('key-1', 0, { key: { name: 'ci', description: '', scope: 'user', expiry: '2027-01-01T00:00:00.000Z', annotations: { team: 'platform' }, labels: {} } }),
        auditMessage('key-1', 1, { action: 'edited', changes: { name: { before: 'ci', after: 'deploy' } } }),
        auditMessage('key-1', 2, { action: 'revoked', actor: { userUid: 'admin', via: 'apiKey', keyUid: 'key-9' } }),
      ];
      await subject.publisher.publish(sent);
      expect(await subject.readBack(3)).toEqual(sent);
    });

    it('keeps each key in publish order across batches and keys', async () => {
      const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
      const sent = Array.from({ length: 30 }, (_, revision) => keys.map((key) => auditMessage(`key-${key}`, revision))).flat();
      for (let start = 0; start < sent.length; start += 60) await subject.publisher.publish(sent.slice(start, start + 60));
      const received = byKey(await subject.readBack(sent.length));
      for (const [key, messages] of byKey(sent)) {
        expect(received.get(key)?.map((m) => m.event.id), key).toEqual(messages.map((m) => m.event.id));
      }
    });

    it('is at least once: publishing the same event again delivers it again, with the same id', async () => {
      const message = auditMessage('key-1', 0);
      await subject.publisher.publish([message]);
      await subject.publisher.publish([message]);
      expect((await subject.readBack(2)).map((m) => m.event.id)).toEqual([message.event.id, message.event.id]);
    });

    it('refuses to publish once closed', async () => {
      await subject.publisher.close();
      await expect(subject.publisher.publish([auditMessage('key-1', 0)])).rejects.toBeInstanceOf(AuditBusUnavailableError);
    });
  });
}
