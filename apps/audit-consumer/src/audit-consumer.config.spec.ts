import { describe, expect, it } from 'vitest';
import { AuditConsumerConfigError, loadAuditConsumerConfig } from './audit-consumer.config.js';

describe('audit consumer configuration', () => {
  it('defaults to the audit topic, its group and DATA_DIR/audit.sqlite', () => {
    expect(loadAuditConsumerConfig({ KAFKA_BROKERS: '127.0.0.1:9092, 10.0.0.2:9092', DATA_DIR: '/var/lib/keystream' })).toEqual({
      brokers: ['127.0.0.1:9092', '10.0.0.2:9092'],
      topic: 'keystream.audit.v1',
      groupId: 'keystream-audit-v1',
      store: { databaseUrl: undefined, schema: undefined, file: '/var/lib/keystream/audit.sqlite' },
      logLevel: 'info',
    });
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const config = loadAuditConsumerConfig({ KAFKA_BROKERS: 'k:9092', DATABASE_URL: 'postgres://db/keystream', AUDIT_DB_SCHEMA: 'audit' });
    expect(config.store).toMatchObject({ databaseUrl: 'postgres://db/keystream', schema: 'audit' });
  });

  it('refuses to start without a broker', () => {
    expect(() => loadAuditConsumerConfig({ KAFKA_BROKERS: ' ' })).toThrow(AuditConsumerConfigError);
  });
});
