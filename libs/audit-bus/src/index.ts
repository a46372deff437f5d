export * from './audit-publisher.port.js';
export * from './cloud-event.js';
export { InMemoryAuditPublisher } from './adapters/in-memory/in-memory.audit-publisher.js';
export { KafkaAuditPublisher, type KafkaAuditPublisherOptions } from './adapters/kafka/kafka.audit-publisher.js';
export * from './adapters/kafka/cloud-event.kafka-binding.js';
export * from './adapters/kafka/kafka-client.js';
export * from './audit-relay.js';
export * from './relay-lag.js';
export * from './cli/relay.command.js';
// The contract suite, its fixtures and the Kafka topic reader are test support (they import vitest
// or exist for tests): reach them by their own path, never from here.
