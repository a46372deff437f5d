/**
 * A protocol double of EventStoreDB for tests: an in-process gRPC server speaking the Streams and
 * ServerFeatures services from the protobuf definitions shipped in `@eventstore/db-client`, so the
 * real client talks real gRPC to it. It is not a database: see README.md beside it for what it
 * reproduces and what it does not.
 */
import { Server, ServerCredentials, status, type handleUnaryCall, type UntypedServiceImplementation } from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { handleAppend, handleBatchAppend } from './esdb-append.js';
import { EsdbLog } from './esdb-log.js';
import { handleRead, type Registry } from './esdb-read.js';

export interface EsdbProtocolDoubleOptions {
  /** List Streams.BatchAppend in ServerFeatures, as real servers since 21.10 do (default true). */
  readonly batchAppend?: boolean;
  /** Start with a few `$`-prefixed system events, as a fresh server's `$all` has (default true). */
  readonly systemEvents?: boolean;
}

export class EsdbProtocolDouble {
  readonly log = new EsdbLog();
  private readonly subscriptions: Registry = new Set();
  /** Subscriptions to `$all` the server has accepted since it first started (to see resubscriptions). */
  subscriptionsAccepted = 0;
  private server: Server | undefined;
  private boundPort = 0;

  private constructor(private readonly options: EsdbProtocolDoubleOptions) {}

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: EsdbProtocolDoubleOptions = {}): Promise<EsdbProtocolDouble> {
    const double = new EsdbProtocolDouble(options);
    if (options.systemEvents !== false) seedSystemEvents(double.log);
    await double.listen(0);
    return double;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Single node, no TLS: the client connects directly and never calls Gossip. */
  get connectionString(): string {
    return `esdb://127.0.0.1:${this.boundPort}?tls=false`;
  }

  get isRunning(): boolean {
    return this.server !== undefined;
  }

  /** Kills every connection and stops listening, as a crashed server would; the data stays. */
  async stop(): Promise<void> {
    for (const unsubscribe of [...this.subscriptions]) unsubscribe();
    this.server?.forceShutdown();
    this.server = undefined;
  }

  /** Listens again on the same port, with the same data. */
  async restart(): Promise<void> {
    if (this.server) return;
    await this.listen(this.boundPort);
  }

  async close(): Promise<void> {
    await this.stop();
  }

  private async listen(port: number): Promise<void> {
    const server = new Server();
    server.addService(serverFeaturesGrpc.ServerFeaturesService, {
      getSupportedMethods: this.supportedMethods(),
    } satisfies UntypedServiceImplementation);
    server.addService(streamsGrpc.StreamsService, {
      read: handleRead(this.log, this.subscriptions, () => this.subscriptionsAccepted++),
      append: handleAppend(this.log),
      batchAppend: handleBatchAppend(this.log),
      delete: unimplemented,
      tombstone: unimplemented,
    });
    this.boundPort = await bind(server, port);
    this.server = server;
  }

  private supportedMethods(): handleUnaryCall<unknown, InstanceType<typeof serverFeaturesPb.SupportedMethods>> {
    const method = (service: string, name: string, features: string[] = []) =>
      new serverFeaturesPb.SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    const streams = 'event_store.client.streams.streams';
    const methods = [
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      ...(this.options.batchAppend === false ? [] : [method(streams, 'batchappend', ['deadline_duration'])]),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    const supported = new serverFeaturesPb.SupportedMethods()
      .setEventStoreServerVersion('23.10.0-protocol-double')
      .setMethodsList(methods);
    return (_call, callback) => callback(null, supported);
  }
}

const unimplemented: handleUnaryCall<unknown, unknown> = (_call, callback) =>
  callback({ code: status.UNIMPLEMENTED, details: 'Not implemented by the EventStoreDB protocol double' });

/** A restart may race the old socket's close, so retry the same port for a moment. */
async function bind(server: Server, port: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) =>
          error ? reject(error) : resolve(bound),
        ),
      );
    } catch (error) {
      if (port === 0 || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function seedSystemEvents(log: EsdbLog): void {
  const json = (value: unknown) => Uint8Array.from(Buffer.from(JSON.stringify(value)));
  const system = (streamName: string, type: string, data: unknown) =>
    log.append(streamName, { kind: 'any' }, [
      { id: crypto.randomUUID(), type, contentType: 'application/json', data: json(data), metadata: new Uint8Array() },
    ]);
  system('$$$scavenges', '$metadata', { $maxAge: 2592000 });
  system('$$$stats-127.0.0.1:2113', '$metadata', { $maxAge: 86400 });
  system('$stats-127.0.0.1:2113', '$statsCollected', { 'proc-id': 1 });
}
