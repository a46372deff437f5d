import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EventStoreDBClient, START, type AllStreamResolvedEvent, type ReadPosition } from '@eventstore/db-client';
import { EsdbEventStore, type GlobalPosition } from '@keystream/event-store';
import { round, writeResult } from './bench-report.js';

/**
 * `projections rebuild` on EventStoreDB reads only key events: the adapter's readAll is a filtered
 * catch-up subscription, so the server sends only `apikey-` events. Measured against the protocol
 * double in its own process, with a log where key events are a tenth of `$all`; the baseline, in
 * the same run, is the unfiltered read the adapter did before (pages of `$all` through the client's
 * readAll, filtered on this side). Both read the same pages the rebuild reads (500 key events).
 * BENCH_ESDB_EVENTS (default 100000) sets the size of `$all`; ROUNDS (default 3) alternates the two.
 */
const PREFIX = 'apikey-';
const PAGE = 500;
const ROUNDS = Number(process.env.BENCH_ESDB_ROUNDS ?? 3);

const server = spawn(process.execPath, ['--import', './test/setup/register-ts.mjs', 'test/doubles/esdb-protocol-double/esdb-double.serve.ts'], {
  stdio: ['pipe', 'pipe', 'inherit'],
  env: process.env,
});
const ready = await new Promise<string>((resolve, reject) => {
  const lines = createInterface({ input: server.stdout! });
  lines.on('line', (line) => line.startsWith('READY ') && resolve(line));
  server.once('exit', (code) => reject(new Error(`the EventStoreDB double exited with ${code}`)));
});
const [, connectionString, keyEventsText, allEventsText] = ready.split(' ');
const keyEvents = Number(keyEventsText);
const allEvents = Number(allEventsText);

/** The pre-#14 adapter: pages of all of `$all`, the filter applied here. */
async function unfilteredRead(client: EventStoreDBClient): Promise<number> {
  let found = 0;
  let from: ReadPosition = START;
  let last: GlobalPosition | undefined;
  for (;;) {
    const page: AllStreamResolvedEvent[] = [];
    for await (const resolved of client.readAll({ fromPosition: from, maxCount: PAGE })) page.push(resolved);
    for (const resolved of page) {
      const position = resolved.event?.position;
      if (!position || (last && position.commit <= last.commit)) continue;
      last = position;
      if (resolved.event!.streamId.startsWith(PREFIX) && resolved.event!.isJson) found++;
    }
    if (page.length < PAGE || !last) return found;
    from = last;
  }
}

/** What `projections rebuild` does: readAll pages of key events until the end. */
async function filteredRead(store: EsdbEventStore): Promise<number> {
  let found = 0;
  let after: GlobalPosition | undefined;
  for (;;) {
    const page = await store.readAll({ after, maxCount: PAGE, filter: { streamNamePrefixes: [PREFIX] } });
    found += page.events.length;
    if (page.isEnd) return found;
    after = page.events.at(-1)!.position;
  }
}

const time = async (read: () => Promise<number>) => {
  const started = performance.now();
  const found = await read();
  const seconds = (performance.now() - started) / 1000;
  if (found !== keyEvents) throw new Error(`read ${found} key events, expected ${keyEvents}`);
  return seconds;
};

const client = EventStoreDBClient.connectionString(connectionString!);
const store = new EsdbEventStore(connectionString!);
const unfiltered: number[] = [];
const filtered: number[] = [];
try {
  // One warm-up of each (connection, JIT), then alternate so drift on the shared machine hits both.
  await unfilteredRead(client);
  await filteredRead(store);
  for (let round = 0; round < ROUNDS; round++) {
    unfiltered.push(await time(() => unfilteredRead(client)));
    filtered.push(await time(() => filteredRead(store)));
  }
} finally {
  await client.dispose();
  await store.close();
  server.stdin!.end();
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const filteredRate = keyEvents / median(filtered);
const unfilteredRate = keyEvents / median(unfiltered);
const ratio = round(filteredRate / unfilteredRate);
const result = {
  setup: {
    server: 'EventStoreDB protocol double (test/doubles/esdb-protocol-double) in its own process, real @eventstore/db-client 6.2.1 over gRPC on loopback',
    allEvents,
    keyEvents,
    keyShare: round(keyEvents / allEvents, 3),
    pageSize: PAGE,
    rounds: ROUNDS,
    note: 'shared 2-core machine; medians of alternating rounds',
  },
  secondsFiltered: filtered.map((s) => round(s, 3)),
  secondsUnfiltered: unfiltered.map((s) => round(s, 3)),
  summary: [
    {
      metric: `EventStoreDB rebuild read of key events (${allEvents} events in $all, a tenth of them key events)`,
      value: Math.round(filteredRate),
      unit: 'key events/s',
      baseline: { name: 'unfiltered $all read, filtered in the client (the adapter before #14)', value: Math.round(unfilteredRate) },
      ratio,
      target: 'faster than the unfiltered read',
      targetMet: ratio > 1,
    },
    {
      metric: 'EventStoreDB rebuild: time to read every key event',
      value: round(median(filtered), 3),
      unit: 's',
      baseline: { name: 'unfiltered $all read, filtered in the client', value: round(median(unfiltered), 3) },
      ratio: round(median(unfiltered) / median(filtered)),
    },
  ],
};
writeResult('esdb-rebuild', result);
process.stdout.write(`${JSON.stringify(result.summary, null, 2)}\n`);
