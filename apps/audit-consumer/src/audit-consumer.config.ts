import { loadConfig } from '@keystream/config';
import { type AuditConsumerSettings, auditConsumerGroup, auditStoreLocation, kafkaBrokers } from '@keystream/runtime';

export interface AuditConsumerConfig extends AuditConsumerSettings {
  logLevel: string;
}

export class AuditConsumerConfigError extends Error {
  override name = 'AuditConsumerConfigError';
}

/**
 * The service's own settings (one schema, one set of defaults: README "Configuration"), of which
 * the consumer reads KAFKA_BROKERS (required), KAFKA_AUDIT_TOPIC, KAFKA_AUDIT_GROUP, DATABASE_URL
 * (+ AUDIT_DB_SCHEMA) or AUDIT_DB_FILE / DATA_DIR, and LOG_LEVEL. Never echoes DATABASE_URL.
 */
export function loadAuditConsumerConfig(env: NodeJS.ProcessEnv = process.env): AuditConsumerConfig {
  const config = loadConfig(env);
  const brokers = kafkaBrokers(config);
  if (brokers.length === 0) throw new AuditConsumerConfigError('KAFKA_BROKERS must name at least one broker, e.g. 127.0.0.1:9092');
  return {
    brokers,
    topic: config.KAFKA_AUDIT_TOPIC,
    groupId: auditConsumerGroup(config),
    store: auditStoreLocation(config),
    logLevel: config.LOG_LEVEL,
  };
}
