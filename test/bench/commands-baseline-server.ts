import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';

/**
 * The baseline of commands.bench.ts, in its own process: a bare Fastify POST route that does what a
 * durable command cannot avoid, one insert into a SQLite file in WAL mode with synchronous=FULL (one
 * fsync) before answering 204. Keystream's command path on the same machine, in the same run, is
 * compared with it.
 */
const dir = mkdtempSync(join(tmpdir(), 'keystream-bench-baseline-'));
const db = new Database(join(dir, 'baseline.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('create table events (position integer primary key autoincrement, data text not null)');
const insert = db.prepare('insert into events (data) values (?)');

const app = Fastify({ logger: false });
app.post('/insert', async (request, reply) => {
  insert.run(JSON.stringify(request.body));
  return reply.code(204).send();
});
app.get('/healthz', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
const stop = async () => {
  await app.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
