import { startEsdbTestServer, runsAgainstRealServer } from '../../../../../test/doubles/esdb-protocol-double/esdb-test-server.js';
import { describeEventStoreContract } from '../../contract/event-store.contract.js';
import { EsdbEventStore } from './esdb.event-store.js';

// Against ESDB_CONNECTION_STRING when set, otherwise the real client over real gRPC to the protocol double.
describeEventStoreContract(runsAgainstRealServer() ? 'esdb (real EventStoreDB)' : 'esdb (protocol double)', async () => {
  const server = await startEsdbTestServer('event-store contract');
  const store = new EsdbEventStore(server.connectionString);
  return {
    store,
    teardown: async () => {
      await store.close();
      await server.close();
    },
  };
});
