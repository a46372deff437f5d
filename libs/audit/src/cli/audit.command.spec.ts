import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteAuditStore } from '../adapters/sqlite/sqlite.audit-store.js';
import { auditEvent } from '../contract/audit-store.fixtures.js';
import { auditCommand } from './audit.command.js';

describe('audit CLI', () => {
  let dir: string;
  let file: string;
  let lines: string[];
  const run = async (...args: string[]) => {
    lines = [];
    process.exitCode = undefined;
    await auditCommand({ openAuditStore: () => openSqliteAuditStore(file), print: (line) => lines.push(line) }).parseAsync(args, { from: 'user' });
    const exitCode = process.exitCode;
    process.exitCode = undefined;
    return exitCode;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keystream-audit-cli-'));
    file = join(dir, 'audit.sqlite');
    const store = await openSqliteAuditStore(file);
    await store.append([
      auditEvent({ tenant: 't1', key: 'k1', actor: 'alice', minute: 1 }),
      auditEvent({ tenant: 't1', key: 'k1', revision: 1, action: 'edited', actor: 'bob', minute: 2 }),
      auditEvent({ tenant: 't1', key: 'k1', revision: 2, action: 'revoked', actor: 'alice', minute: 3 }),
    ]);
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('verify reports an intact chain with its head hash and exits 0', async () => {
    expect(await run('verify', '--tenant', 't1')).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/^tenant t1: audit chain intact, 3 entries, head hash [0-9a-f]{64}$/)]);
  });

  it('verify names the first hand-edited entry and exits 1', async () => {
    const db = new Database(file);
    db.prepare("update audit_events set occurred_at = '2020-01-01T00:00:00.000Z' where seq = 2").run();
    db.close();
    expect(await run('verify', '--tenant', 't1')).toBe(1);
    expect(lines[0]).toMatch(/^tenant t1: audit chain BROKEN at seq 2 \(event [0-9a-f-]{36}\): its content no longer matches its hash/);
    expect(await run('verify', '--tenant', 't1', '--json')).toBe(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: false, entries: 1, broken: { seq: 2, reason: 'hash-mismatch' } });
  });

  it('tail prints the newest entries readably, oldest of them first', async () => {
    await run('tail', '--tenant', 't1', '-n', '2');
    expect(lines).toEqual([
      '#2  2026-11-22T10:02:00.000Z  edited       key k1  by bob (jwt)  name: "old" → "new"',
      '#3  2026-11-22T10:03:00.000Z  revoked      key k1  by alice (jwt)',
    ]);
  });
});
