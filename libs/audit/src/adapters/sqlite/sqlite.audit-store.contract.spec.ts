import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeAuditStoreContract } from '../../contract/audit-store.contract.js';
import { openSqliteAuditStore } from './sqlite.audit-store.js';

describeAuditStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keystream-audit-'));
  const file = join(dir, 'audit.sqlite');
  const store = await openSqliteAuditStore(file);
  return {
    store,
    openSibling: () => openSqliteAuditStore(file),
    tamper: async (statement, parameters) => {
      const db = new Database(file);
      try {
        db.prepare(statement).run(...parameters);
      } finally {
        db.close();
      }
    },
    teardown: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
