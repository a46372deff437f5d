/**
 * A protocol double of EventStoreDB for tests: an in-process gRPC server speaking the Streams and
 * ServerFeatures services from the protobuf definitions shipped in `@eventstore/db-client`, so the
 * real client talks real gRPC to it. It is not a database: see README.md beside it for what it
 * reproduces and what it does not.
 */
import {
  Server,
  ServerCredentials,
  status,
  type handleUnaryCall,
  type Metadata,
  type ServiceError,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import { handleAppend, handleBatchAppend, handleTombstone } from './esdb-append.js';
import { faultError, FaultPlan, unauthenticated } from './esdb-faults.js';
import { EsdbLog } from './esdb-log.js';
import { handleRead, type Registry } from './esdb-read.js';

/** The server's default `MaxAppendSize`: 1 MiB. */
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;

export interface EsdbProtocolDoubleOptions {
  /** List Streams.BatchAppend in ServerFeatures, as real servers since 21.10 do (default true). */
  readonly batchAppend?: boolean;
  /** Start with a few `$`-prefixed system events, as a fresh server's `$all` has (default true). */
  readonly systemEvents?: boolean;
  /** Serve TLS only, with this PEM key and certificate chain (a secure node; default insecure). */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
  /**
   * Require these credentials on every Streams call, as a secure node does for anonymous users
   * (23.10's defaults): none answers AccessDenied, wrong ones Unauthenticated. Needs `tls`: the
   * client never sends credentials over an insecure channel.
   */
  readonly credentials?: { readonly username: string; readonly password: string };
  /** Bytes one append may carry (default 1 MiB, the server's default `MaxAppendSize`). */
  readonly maxAppendSize?: number;
  /** The host name to put in connection strings (default 127.0.0.1; a TLS certificate must name it). */
  readonly host?: string;
}

export class EsdbProtocolDouble {
  readonly log = new EsdbLog();
  /** Failures the next calls meet: see esdb-faults.ts. */
  readonly faults = new FaultPlan();
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

  get host(): string {
    return this.options.host ?? '127.0.0.1';
  }

  /**
   * Single node: the client connects directly and never calls Gossip. Insecure: `?tls=false`. With
   * TLS: `?tls=true`, and the caller adds the credentials and `tlsCAFile` it means to test.
   */
  get connectionString(): string {
    return `esdb://${this.host}:${this.boundPort}?tls=${this.options.tls ? 'true' : 'false'}`;
  }

  /** Drops every live subscription with this gRPC status, as a server dropping a slow consumer does. */
  dropSubscriptions(code: status = status.ABORTED, details = 'Consumer too slow to handle event while live'): void {
    const error = Object.assign(new Error(details), { code, details, metadata: undefined }) as unknown as ServiceError;
    for (const stop of [...this.subscriptions]) stop(error);
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
    const append = { log: this.log, faults: this.faults, maxAppendSize: this.options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE };
    const read = handleRead({ log: this.log, faults: this.faults, subscriptions: this.subscriptions, onSubscribed: () => this.subscriptionsAccepted++ });
    const appendHandler = handleAppend(append);
    const batchAppendHandler = handleBatchAppend(append);
    const tombstone = handleTombstone(this.log);
    type Call = { metadata: Metadata; emit(event: 'error', error: ServiceError): boolean };
    server.addService(streamsGrpc.StreamsService, {
      read: (call: Call & Parameters<typeof read>[0]) => this.refused(call) ?? void read(call),
      append: (call: Call & Parameters<typeof appendHandler>[0], callback: Parameters<typeof appendHandler>[1]) => {
        const refusal = this.authorize(call.metadata);
        if (!refusal) return appendHandler(call, callback);
        call.on('data', () => undefined);
        call.on('error', () => undefined);
        call.on('end', () => callback(refusal));
      },
      batchAppend: (call: Call & Parameters<typeof batchAppendHandler>[0]) => this.refused(call) ?? batchAppendHandler(call),
      delete: unimplemented,
      tombstone: (call: Call & Parameters<typeof tombstone>[0], callback: Parameters<typeof tombstone>[1]) => {
        const refusal = this.authorize(call.metadata);
        return refusal ? callback(refusal) : tombstone(call, callback);
      },
    });
    const credentials = this.options.tls
      ? ServerCredentials.createSsl(null, [{ private_key: this.options.tls.key, cert_chain: this.options.tls.cert }], false)
      : ServerCredentials.createInsecure();
    this.boundPort = await bind(server, port, credentials);
    this.server = server;
  }

  /** Fails a streaming call that lacks the required credentials; undefined when it may go on. */
  private refused(call: { metadata: Metadata; emit(event: 'error', error: ServiceError): boolean }): true | undefined {
    const refusal = this.authorize(call.metadata);
    if (!refusal) return undefined;
    call.emit('error', refusal);
    return true;
  }

  private authorize(metadata: Metadata): ServiceError | undefined {
    const required = this.options.credentials;
    if (!required) return undefined;
    const header = metadata.get('authorization')[0];
    if (header === undefined) return faultError({ kind: 'access-denied' });
    const expected = `Basic ${Buffer.from(`${required.username}:${required.password}`).toString('base64')}`;
    return String(header) === expected ? undefined : unauthenticated();
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
async function bind(server: Server, port: number, credentials: ServerCredentials): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) =>
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
