/**
 * Secure connections: the protocol double serving TLS with a certificate from a CA this test makes
 * (openssl CLI), and requiring credentials as a secure node does. The connection strings are the
 * ones the README documents for production.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toProblem } from '@keystream/problem-details';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EsdbProtocolDouble } from '../../../../../test/doubles/esdb-protocol-double/esdb-protocol-double.js';
import { EventStoreUnavailableError } from '../../event-store.errors.js';
import type { EventToAppend } from '../../event-store.port.js';
import { EsdbEventStore } from './esdb.event-store.js';

const event = (i: number): EventToAppend => ({ id: randomUUID(), type: 'KeyEdited', data: { i }, metadata: {} });
const quick = { retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } };

/** A CA, and a server certificate it signs for 127.0.0.1 and localhost, as es-gencert-cli makes for a node. */
function makeCertificates(dir: string) {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Keystream test CA', '-keyout', 'ca.key', '-out', 'ca.crt');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=eventstore', '-keyout', 'node.key', '-out', 'node.csr');
  writeFileSync(join(dir, 'node.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  run('x509', '-req', '-in', 'node.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'node.ext', '-out', 'node.crt');
  // A second CA that did not sign the node: a client trusting only it must refuse the server.
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=Some other CA', '-keyout', 'other.key', '-out', 'other.crt');
  return { key: readFileSync(join(dir, 'node.key')), cert: readFileSync(join(dir, 'node.crt')), ca: join(dir, 'ca.crt'), otherCa: join(dir, 'other.crt') };
}

/** The test fails if the promise has not settled by then: a misconfiguration must never hang. */
const failure = (promise: Promise<unknown>, ms = 15_000) =>
  Promise.race([
    promise.then(() => new Error('expected a failure'), (error: unknown) => error),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)),
  ]);

describe('EsdbEventStore over TLS with credentials (protocol double with a test CA)', () => {
  let dir: string;
  let certs: ReturnType<typeof makeCertificates>;
  let double: EsdbProtocolDouble;
  const secure = (userInfo: string, params: string) => `esdb://${userInfo}localhost:${double.port}?${params}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esdb-tls-'));
    certs = makeCertificates(dir);
    double = await EsdbProtocolDouble.start({ tls: { key: certs.key, cert: certs.cert }, credentials: { username: 'keystream', password: 's3cret-pass' } });
  });
  afterAll(async () => {
    await double?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends, reads a stream and reads $all through a filtered subscription with tls=true, the CA file and credentials', async () => {
    const store = await EsdbEventStore.open(secure('keystream:s3cret-pass@', `tls=true&tlsCAFile=${certs.ca}`), quick);
    try {
      const name = `apikey-tls-${randomUUID()}`;
      const written = await store.appendToStream(name, [event(0)], 'no_stream');
      expect((await store.readStream(name)).map((e) => e.id)).toHaveLength(1);
      const page = await store.readAll({ maxCount: 10, filter: { streamNamePrefixes: [name] } });
      expect(page.events.map((e) => e.position)).toEqual([written.position]);
      expect(await store.isHealthy()).toBe(true);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['no credentials', '', /denied/i],
    ['a wrong password', 'keystream:wrong@', /denied|password/i],
  ])('fails start-up with %s, saying to check the credentials, and answers 503 if already running', async (_, userInfo, reason) => {
    const connectionString = secure(userInfo, `tls=true&tlsCAFile=${certs.ca}`);
    const error = await failure(EsdbEventStore.open(connectionString, quick));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toMatch(/ESDB_CONNECTION_STRING/);
    expect((error as Error).message).not.toContain('s3cret-pass');
    const store = new EsdbEventStore(connectionString, quick);
    try {
      const appendError = await failure(store.appendToStream(`apikey-tls-${randomUUID()}`, [event(0)], 'no_stream'));
      expect(toProblem(appendError).status).toBe(503);
      expect(await store.isHealthy()).toBe(false);
    } finally {
      await store.close();
    }
  });

  it.each([
    ['tls=false against a TLS-only node', () => 'tls=false', /secure node also refuses tls=false/],
    ['a CA that did not sign the node', () => `tls=true&tlsCAFile=${certs.otherCa}`, /TLS: check tls=true and tlsCAFile/],
  ])('fails start-up quickly with %s, saying what to check', async (_, params, hint) => {
    const started = Date.now();
    const error = await failure(EsdbEventStore.open(secure('keystream:s3cret-pass@', params()), quick));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect((error as Error).message).toMatch(hint);
    expect((error as Error).message).not.toContain('s3cret-pass');
  });

  it('rejects a malformed connection string at construction', () => {
    expect(() => new EsdbEventStore('esdb://127.0.0.1:2113?tls=maybe')).toThrow();
  });
});
