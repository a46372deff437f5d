import { describe, expect, it } from 'vitest';
import { auditMessage } from '../../contract/audit-publisher.fixtures.js';
import { MalformedAuditMessageError, fromKafkaMessage, toKafkaMessage } from './cloud-event.kafka-binding.js';

// What a consumer receives: header values and the value as Buffers.
const onTheWire = (message: ReturnType<typeof toKafkaMessage>) => ({
  value: Buffer.from(String(message.value)),
  headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))])),
});

describe('CloudEvents Kafka binding (binary mode)', () => {
  const sent = auditMessage('key-1', 2, { action: 'revoked' });

  it('carries each attribute as a ce_ header, the data as the JSON value, and the key uid as the key', () => {
    const message = toKafkaMessage(sent);
    expect(message.key).toBe('key-1');
    expect(message.headers).toEqual({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: sent.event.id,
      ce_source: sent.event.source,
      ce_type: 'io.keystream.apikey.revoked.v1',
      ce_subject: 'key-1',
      ce_time: sent.event.time,
      ce_tenantid: 'tenant-a',
    });
    expect(JSON.parse(String(message.value))).toEqual(sent.event.data);
  });

  it('decodes what it encodes', () => {
    expect(fromKafkaMessage(onTheWire(toKafkaMessage(sent)))).toEqual(sent.event);
  });

  it.each([
    ['a missing attribute', (m: ReturnType<typeof onTheWire>) => delete m.headers.ce_id],
    ['another spec version', (m: ReturnType<typeof onTheWire>) => (m.headers.ce_specversion = Buffer.from('0.3'))],
    ['a value that is not JSON', (m: ReturnType<typeof onTheWire>) => (m.value = Buffer.from('{'))],
    ['data without an actor', (m: ReturnType<typeof onTheWire>) => (m.value = Buffer.from(JSON.stringify({ ...sent.event.data, actor: undefined })))],
    ['a tenant header that disagrees with the data', (m: ReturnType<typeof onTheWire>) => (m.headers.ce_tenantid = Buffer.from('tenant-b'))],
  ])('refuses a message with %s', (_, spoil) => {
    const message = onTheWire(toKafkaMessage(sent));
    spoil(message);
    expect(() => fromKafkaMessage(message)).toThrow(MalformedAuditMessageError);
  });
});
