/**
 * The protocol double as its own process, for benchmarks (the load must not share the server's
 * event loop): `node --import ./test/setup/register-ts.mjs test/doubles/esdb-protocol-double/esdb-double.serve.ts`.
 * Seeds `$all` straight into the log, then prints `READY <connection string> <key events> <all events>`
 * and serves until stdin closes or SIGTERM.
 *
 * BENCH_ESDB_EVENTS (default 100000) events in all; every BENCH_ESDB_KEY_EVERY-th (default 10) is a
 * key event in an `apikey-` stream, the others belong to other services' streams in the same database.
 */
import { randomUUID } from 'node:crypto';
import { EsdbProtocolDouble } from './esdb-protocol-double.js';

const total = Number(process.env['BENCH_ESDB_EVENTS'] ?? 100_000);
const keyEvery = Number(process.env['BENCH_ESDB_KEY_EVERY'] ?? 10);
const double = await EsdbProtocolDouble.start();
const bytes = (value: unknown) => Uint8Array.from(Buffer.from(JSON.stringify(value)));
const metadata = (i: number) => bytes({ correlationId: randomUUID(), causationId: randomUUID(), userId: `user-${i % 97}` });
let keyEvents = 0;
for (let i = 0; i < total; i++) {
  const isKey = i % keyEvery === 0;
  const streamName = isKey ? `apikey-${i % 5_000}` : `orders-${i % 20_000}`;
  const data = isKey
    ? { keyId: `k${i % 5_000}`, tenantId: `t${i % 13}`, name: `key ${i}`, scopes: ['read', 'write'], at: '2026-12-03T12:00:00.000Z' }
    : { orderId: `o${i}`, lines: [{ sku: 'sku-1', quantity: i % 7 }], total: i * 3, at: '2026-12-03T12:00:00.000Z' };
  const outcome = double.log.append(streamName, { kind: 'any' }, [
    { id: randomUUID(), type: isKey ? 'KeyEdited' : 'OrderPlaced', contentType: 'application/json', data: bytes(data), metadata: metadata(i) },
  ]);
  if (outcome.kind !== 'written') throw new Error(`seeding failed at ${i}`);
  if (isKey) keyEvents++;
}
process.stdout.write(`READY ${double.connectionString} ${keyEvents} ${double.log.all.length}\n`);
const stop = async () => {
  await double.close();
  process.exit(0);
};
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
