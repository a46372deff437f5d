import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { describe, expect, it } from 'vitest';
import { asKey, createBody, tenantWithUsers, useApp, waitUntil } from '../../../../test/e2e/harness.js';
import { LeakedKeyReports } from '@keystream/api-keys';
import { keysCommand, parseDays, parseGrace } from './keys.command.js';

/** `keys rotate|list` through the running service's buses: the same handlers as the HTTP API. */
describe('cli keys', () => {
  const h = useApp('sqlite');
  let out: string[] = [];
  let secrets: string[] = [];
  let notes: string[] = [];
  let stdin = '';
  const run = async (...args: string[]) => {
    out = [];
    secrets = [];
    notes = [];
    process.exitCode = undefined;
    const app = h.current.app;
    await keysCommand({
      withBuses: (work) => work({ commandBus: app.get(CommandBus), queryBus: app.get(QueryBus) }),
      print: (line) => out.push(line),
      printSecret: (value) => secrets.push(value),
      note: (line) => notes.push(line),
      withLeakReports: (work) => work(app.get(LeakedKeyReports)),
      readValues: async () => stdin,
    }).parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return exitCode;
  };
  const statusWith = async (value: string, uid: string) => (await h.current.call('GET', `/v1/apiKeys/${uid}`, { headers: asKey(value) })).status;

  it('rotate prints the new value once, only as the secret; the old value works during the grace; KeyRotated is recorded as done by the system', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('ci'));
    expect(await run('rotate', key.uid, '--tenant', tenant, '--grace', '2h')).toBeUndefined();
    expect(secrets).toHaveLength(1);
    const [value] = secrets as [string];
    expect(value.startsWith(`ks_${key.uid}_`)).toBe(true);
    expect(value).not.toBe(key.apiKey);
    expect(JSON.stringify([out, notes])).not.toContain(value.slice(-20));
    expect(notes[0]).toMatch(new RegExp(`^Rotated key ${key.uid} in tenant ${tenant}; the previous value works until \\S+Z\\.`));
    expect(await statusWith(value, key.uid)).toBe(200);
    expect(await statusWith(key.apiKey, key.uid)).toBe(200);
    const events = await h.current.eventStore().readStream(`apikey-${key.uid}`);
    expect(events.map((event) => event.type)).toEqual(['KeyCreated', 'KeyRotated']);
    expect(events[1]!.metadata).toMatchObject({ actor: { userId: 'system', via: 'system' } });
    const graceMs = Date.parse((events[1]!.data as { graceEndsAt: string }).graceEndsAt) - Date.parse((events[1]!.data as { rotatedAt: string }).rotatedAt);
    expect(graceMs).toBe(2 * 3600_000);
  });

  it('rotate without --grace ends the old value at once', async () => {
    const { tenant, alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('now'));
    expect(await run('rotate', key.uid, '--tenant', tenant)).toBeUndefined();
    expect(await statusWith(key.apiKey, key.uid)).toBe(401);
    expect(await statusWith(secrets[0]!, key.uid)).toBe(200);
  });

  it("rotate refuses another tenant's key as not found, exit code 1, and writes nothing", async () => {
    const { alice } = await tenantWithUsers();
    const other = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('theirs'));
    expect(await run('rotate', key.uid, '--tenant', other.tenant, '--grace', '1h')).toBe(1);
    expect(secrets).toEqual([]);
    expect(out).toEqual([`key ${key.uid}: refused: API key ${key.uid} not found`]);
    expect((await h.current.eventStore().readStream(`apikey-${key.uid}`)).map((event) => event.type)).toEqual(['KeyCreated']);
    expect(await statusWith(key.apiKey, key.uid)).toBe(200);
  });

  it('list shows every key of the tenant only, with when and from where it was last used; --unused-for-days filters', async () => {
    const { tenant, alice, bob } = await tenantWithUsers();
    const used = await h.current.createKey(alice.headers, createBody('used'));
    const idle = await h.current.createKey(bob.headers, createBody('idle'));
    const elsewhere = await tenantWithUsers();
    const foreign = await h.current.createKey(elsewhere.alice.headers, createBody('foreign'));
    expect(await statusWith(used.apiKey, used.uid)).toBe(200);
    await waitUntil(async () => (await run('list', '--tenant', tenant), out.some((line) => line.includes('from 127.0.0.1'))), 10_000, 'last use listed');
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(new RegExp(`^${idle.uid}\\t${bob.userId}\\tactive\\texpires \\S+\\tnever used\\tidle$`));
    expect(out[1]).toMatch(new RegExp(`^${used.uid}\\t${alice.userId}\\tactive\\texpires \\S+\\t\\S+Z from 127\\.0\\.0\\.1\\tused$`));
    expect(out[2]).toBe('2 key(s)');
    expect(out.join('\n')).not.toContain(foreign.uid);

    await run('list', '--tenant', tenant, '--json');
    expect(out.map((line) => JSON.parse(line).status.lastUsedFrom)).toEqual([undefined, ['127.0.0.1']]);
    // Both were created just now: neither is unused for a day yet, used or not.
    await run('list', '--tenant', tenant, '--unused-for-days', '1');
    expect(out).toEqual(['0 key(s) unused for 1 day(s)']);
  });

  it('report-leaked revokes, with reason leaked, the keys whose values it reads from stdin, and prints no value', async () => {
    const { alice, bob } = await tenantWithUsers();
    const leaked = await h.current.createKey(alice.headers, createBody('leaked'));
    const kept = await h.current.createKey(bob.headers, createBody('kept'));
    const wrongSecret = `${kept.apiKey.slice(0, -8)}AAAAAAAA`;
    stdin = `${leaked.apiKey}\n\n  not-a-key  \n${wrongSecret}\r\n`;
    expect(await run('report-leaked')).toBeUndefined();
    expect(out).toEqual(['3 value(s) read, 3 check(s) made, 1 key(s) revoked as leaked']);
    expect(JSON.stringify([out, notes, secrets])).not.toContain(leaked.apiKey.slice(-20));
    const events = await h.current.eventStore().readStream(`apikey-${leaked.uid}`);
    expect(events.map((event) => event.type)).toEqual(['KeyCreated', 'KeyLeakReported', 'KeyRevoked']);
    expect(events[2]!.data).toMatchObject({ reason: 'leaked' });
    expect(await statusWith(leaked.apiKey, leaked.uid)).toBe(401);
    expect(await statusWith(kept.apiKey, kept.uid)).toBe(200);
    expect((await h.current.eventStore().readStream(`apikey-${kept.uid}`)).map((event) => event.type)).toEqual(['KeyCreated']);
  });

  it('report-leaked refuses input with a line too long to be a key value, checking nothing', async () => {
    const { alice } = await tenantWithUsers();
    const key = await h.current.createKey(alice.headers, createBody('safe'));
    stdin = `${key.apiKey}\n${'x'.repeat(257)}\n`;
    expect(await run('report-leaked')).toBe(1);
    expect(out).toEqual(['refused: line 2 is longer than 256 characters, so it is no key value; nothing was checked']);
    expect(await statusWith(key.apiKey, key.uid)).toBe(200);
  });

  it('parses --unused-for-days as the API does: 1 to 3650', () => {
    expect([parseDays('1'), parseDays('3650')]).toEqual([1, 3650]);
    for (const bad of ['0', '3651', '-3', 'abc', '1.5', '']) expect(() => parseDays(bad), bad).toThrow();
  });

  it('parses a grace as 0 or a whole number with a unit, at most 7 days', () => {
    expect([parseGrace('0'), parseGrace('90s'), parseGrace('30m'), parseGrace('12h'), parseGrace('7d')]).toEqual([0, 90, 1800, 43_200, 604_800]);
    for (const bad of ['8d', '604801s', '10', '1.5h', '-1h', 'soon', '']) expect(() => parseGrace(bad), bad).toThrow();
  });
});
