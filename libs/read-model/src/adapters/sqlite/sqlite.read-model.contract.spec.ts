import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOTES_VIEW, describeReadModelContract } from '../../contract/read-model.contract.js';
import { openSqliteReadModel } from './sqlite.read-model.js';

// Each subject is its own file; the sibling opens the same file, as the worker and the API would.
describeReadModelContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keystream-read-model-'));
  const filename = join(dir, 'read-model.db');
  const readModel = await openSqliteReadModel(filename, [NOTES_VIEW]);
  return {
    readModel,
    openSibling: () => openSqliteReadModel(filename, [NOTES_VIEW]),
    teardown: async () => {
      await readModel.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
