import { EsdbProtocolDouble, type EsdbProtocolDoubleOptions } from './esdb-protocol-double.js';

export interface EsdbTestServer {
  readonly connectionString: string;
  /** Present when the tests run against the protocol double; a real server cannot be stopped from here. */
  readonly double?: EsdbProtocolDouble;
  close(): Promise<void>;
}

/**
 * What the EventStoreDB tests run against: the real server named by ESDB_CONNECTION_STRING, or else
 * the protocol double. Either way it says which, so a run never passes without saying against what.
 */
export async function startEsdbTestServer(suite: string, options: EsdbProtocolDoubleOptions = {}): Promise<EsdbTestServer> {
  const real = process.env['ESDB_CONNECTION_STRING'];
  if (real) {
    console.log(`${suite}: running against real EventStoreDB at ${redact(real)}`);
    return { connectionString: real, close: async () => undefined };
  }
  const double = await EsdbProtocolDouble.start(options);
  console.log(
    `${suite}: running against the EventStoreDB protocol double (test/doubles/esdb-protocol-double) at ` +
      `${double.connectionString}; set ESDB_CONNECTION_STRING for a real server`,
  );
  return { connectionString: double.connectionString, double, close: () => double.close() };
}

export const runsAgainstRealServer = (): boolean => Boolean(process.env['ESDB_CONNECTION_STRING']);

/** Connection strings may carry credentials (esdb://user:password@host). */
const redact = (connectionString: string): string => connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
