import { join } from 'node:path';
import { DEFAULT_AUDIT_TOPIC, parseBrokers } from '@keystream/audit-bus';
import { AUDIT_CONSUMER_GROUP, type AuditStoreLocation } from '@keystream/audit';

export interface AuditConsumerConfig {
  brokers: string[];
  topic: string;
  groupId: string;
  store: AuditStoreLocation;
  logLevel: string;
}

export class AuditConsumerConfigError extends Error {
  override name = 'AuditConsumerConfigError';
}

/**
 * KAFKA_BROKERS (required), KAFKA_AUDIT_TOPIC, KAFKA_AUDIT_GROUP; DATABASE_URL (+ AUDIT_DB_SCHEMA)
 * for PostgreSQL, else AUDIT_DB_FILE or DATA_DIR/audit.sqlite; LOG_LEVEL. Never echoes DATABASE_URL.
 */
export function loadAuditConsumerConfig(env: NodeJS.ProcessEnv = process.env): AuditConsumerConfig {
  const value = (name: string) => (env[name]?.trim() ? env[name]!.trim() : undefined);
  const brokers = parseBrokers(value('KAFKA_BROKERS') ?? '');
  if (brokers.length === 0) throw new AuditConsumerConfigError('KAFKA_BROKERS must name at least one broker, e.g. 127.0.0.1:9092');
  return {
    brokers,
    topic: value('KAFKA_AUDIT_TOPIC') ?? DEFAULT_AUDIT_TOPIC,
    groupId: value('KAFKA_AUDIT_GROUP') ?? AUDIT_CONSUMER_GROUP,
    store: {
      databaseUrl: value('DATABASE_URL'),
      schema: value('AUDIT_DB_SCHEMA'),
      file: value('AUDIT_DB_FILE') ?? join(value('DATA_DIR') ?? './data', 'audit.sqlite'),
    },
    logLevel: value('LOG_LEVEL') ?? 'info',
  };
}
