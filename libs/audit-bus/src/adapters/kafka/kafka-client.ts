import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { type Admin, Kafka, type ITopicConfig, type LogEntry, logLevel } from 'kafkajs';

/** pino's shape, so the apps pass their logger straight in. */
export interface AuditBusLogger {
  debug?(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export const silentLogger: AuditBusLogger = { info() {}, warn() {}, error() {} };

export const KAFKA_CLIENT_ID = 'keystream';

/** How the audit topic is created when missing (README "Audit events"). */
export interface AuditTopicSettings {
  /** Parallelism for consumers; per-key order holds whatever the count (key uid = message key). */
  partitions: number;
  /** How long a consumer may be down and still catch up from the topic alone. */
  retentionMs: number;
}

export const DEFAULT_AUDIT_TOPIC_SETTINGS: AuditTopicSettings = { partitions: 6, retentionMs: 30 * 24 * 3600 * 1000 };

export interface KafkaConnectionOptions {
  /** `host:port` bootstrap addresses (use 127.0.0.1 rather than localhost). */
  brokers: readonly string[];
  clientId?: string;
  logger?: AuditBusLogger;
}

/** `KAFKA_BROKERS=127.0.0.1:9092,10.0.0.2:9092` -> ['127.0.0.1:9092', '10.0.0.2:9092']. */
export const parseBrokers = (text: string): string[] =>
  text
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);

export function createKafkaClient({ brokers, clientId = KAFKA_CLIENT_ID, logger = silentLogger }: KafkaConnectionOptions): Kafka {
  return new Kafka({
    clientId,
    brokers: [...brokers],
    // Fail fast and let our own back-off (relay) or kafkajs' restart (consumer) pace the retries,
    // so an outage shows up as status and lag instead of a call hanging for minutes.
    connectionTimeout: 3000,
    requestTimeout: 15_000,
    retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.INFO,
    logCreator: () => (entry) => forward(logger, entry),
  });
}

// kafkajs warns once per producer that bounded retries "may invalidate EoS guarantees": we rely on
// at-least-once plus consumer dedupe, never on kafkajs' exactly-once, so that warning is noise.
const IGNORED = [/Limiting retries for the idempotent producer/];

function forward(logger: AuditBusLogger, { namespace, level, log }: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _name, ...details } = log as LogEntry['log'] & { logger?: string };
  if (IGNORED.some((pattern) => pattern.test(message))) return;
  const object = { kafka: namespace, ...details };
  // During an outage every reconnection attempt logs here; the relay (processor status, one warning
  // per failed batch) and the consumer (one warning per restart) report the outcome instead.
  const connectionNoise = namespace === 'Connection' || namespace === 'BrokerPool';
  if ((level === logLevel.ERROR || level === logLevel.WARN) && !connectionNoise) logger.warn(object, message);
  else logger.debug?.(object, message);
}

/**
 * Creates the audit topic unless it exists: replication factor 3 where the cluster has three
 * brokers (min.insync.replicas 2, so acks=all survives one broker down), otherwise one per broker
 * available (a single-node dev or test broker). An existing topic is left as it is.
 */
export async function ensureAuditTopic(
  kafka: Kafka,
  topic: string,
  settings: AuditTopicSettings = DEFAULT_AUDIT_TOPIC_SETTINGS,
): Promise<{ created: boolean }> {
  // A new topic's leaders can take seconds to appear on a busy broker: wait longer than for a send.
  const admin = kafka.admin({ retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3000 } });
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return { created: false };
    const { brokers } = await admin.describeCluster();
    const created = await admin
      .createTopics({ waitForLeaders: true, topics: [auditTopicConfig(topic, brokers.length, settings)] })
      .catch((error: unknown) => {
        // kafkajs's wait for leaders retries "leader not available" but not "unknown topic", which a
        // loaded broker answers while the new topic's metadata spreads: wait for the leaders here.
        if (!isUnknownTopic(error)) throw error;
        return true;
      });
    await untilLeadersElected.execute(() => requireLeaders(admin, topic));
    return { created };
  } finally {
    await admin.disconnect();
  }
}

const isUnknownTopic = (error: unknown): boolean => (error as { type?: unknown } | null)?.type === 'UNKNOWN_TOPIC_OR_PARTITION';

class LeadersPending extends Error {}

/** About 15 s at most: a topic whose leaders do not appear by then is an outage, reported as such. */
const untilLeadersElected = retry(
  handleWhen((error) => error instanceof LeadersPending || isUnknownTopic(error)),
  { maxAttempts: 20, backoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }) },
);

async function requireLeaders(admin: Admin, topic: string): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics.find((entry) => entry.name === topic)?.partitions ?? [];
  if (partitions.length === 0 || partitions.some((partition) => partition.leader < 0)) throw new LeadersPending(`topic ${topic} has no leader yet`);
}

export function auditTopicConfig(topic: string, brokerCount: number, settings: AuditTopicSettings): ITopicConfig {
  const replicationFactor = Math.max(1, Math.min(3, brokerCount));
  return {
    topic,
    numPartitions: settings.partitions,
    replicationFactor,
    configEntries: [
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: String(settings.retentionMs) },
      { name: 'min.insync.replicas', value: String(replicationFactor >= 3 ? 2 : 1) },
      { name: 'unclean.leader.election.enable', value: 'false' },
      { name: 'message.timestamp.type', value: 'CreateTime' },
    ],
  };
}
