import { describeAuditPublisherContract } from '../../contract/audit-publisher.contract.js';
import { InMemoryAuditPublisher } from './in-memory.audit-publisher.js';

describeAuditPublisherContract('in-memory', async () => {
  const publisher = new InMemoryAuditPublisher();
  return {
    publisher,
    readBack: async (count) => {
      if (publisher.messages.length < count) throw new Error(`only ${publisher.messages.length} of ${count} published`);
      return [...publisher.messages];
    },
    teardown: () => publisher.close(),
  };
});
