import { describe, expect, it } from 'vitest';
import type { DirectoryUserEvent } from '../../domain/index.js';
import type { DirectoryUserRow } from './directory-user.row.js';
import { evolveDirectoryUser, formerNameTombstone } from './directory-users.evolve.js';

const ids = { tenantId: 'acme', userId: 'u1', userName: 'alice@acme.example' };
const history: DirectoryUserEvent[] = [
  { type: 'DirectoryUserProvisioned', data: { ...ids, active: true, profile: { displayName: 'Alice' }, provisionedAt: '2026-12-01T00:00:00.000Z' } },
  { type: 'DirectoryUserAdminGranted', data: { ...ids, grantedAt: '2026-12-02T00:00:00.000Z' } },
  { type: 'DirectoryUserReplaced', data: { ...ids, userName: 'alice@new.example', previousUserName: ids.userName, profile: { displayName: 'A.' }, replacedAt: '2026-12-02T01:00:00.000Z' } },
  { type: 'DirectoryUserDeactivated', data: { ...ids, userName: 'alice@new.example', deactivatedAt: '2026-12-03T00:00:00.000Z' } },
  { type: 'DirectoryUserDeleted', data: { ...ids, userName: 'alice@new.example', deletedAt: '2026-12-03T01:00:00.000Z' } },
];

const fold = (events: readonly DirectoryUserEvent[]) =>
  events.reduce<DirectoryUserRow | undefined>((row, event, revision) => evolveDirectoryUser(row, event, revision), undefined);

describe('the directory-users view', () => {
  it('follows a user through provisioning, the admin role, a rename, deactivation and deletion', () => {
    expect(fold(history.slice(0, 2))).toMatchObject({ userName: 'alice@acme.example', active: true, isTenantAdmin: true, deleted: false, revision: 1 });
    expect(fold(history.slice(0, 4))).toMatchObject({ userName: 'alice@new.example', profile: { displayName: 'A.' }, active: false, isTenantAdmin: true, revision: 3 });
    // A tombstone: still found by name (the role check refuses it), holding no profile and no role.
    expect(fold(history)).toMatchObject({ userName: 'alice@new.example', active: false, isTenantAdmin: false, deleted: true, profile: {}, revision: 4, updatedAt: '2026-12-03T01:00:00.000Z' });
  });

  it('leaves a tombstone for the name a rename leaves behind, none for other events or a change of letter case', () => {
    const beforeRename = fold(history.slice(0, 2));
    expect(formerNameTombstone(beforeRename, history[2]!, 2)).toEqual({
      tenantId: 'acme',
      userId: 'u1',
      userName: 'alice@acme.example',
      active: false,
      isTenantAdmin: false,
      deleted: true,
      profile: {},
      createdAt: '2026-12-01T00:00:00.000Z',
      updatedAt: '2026-12-02T01:00:00.000Z',
      revision: 2,
      formerName: true,
    });
    const caseOnly: DirectoryUserEvent = { type: 'DirectoryUserReplaced', data: { ...ids, userName: 'Alice@ACME.example', previousUserName: ids.userName, profile: {}, replacedAt: 't' } };
    expect(formerNameTombstone(beforeRename, caseOnly, 2)).toBeUndefined();
    expect(formerNameTombstone(beforeRename, history[3]!, 3)).toBeUndefined();
    expect(formerNameTombstone(undefined, history[2]!, 2)).toBeUndefined();
  });

  it('ignores facts about a user it never saw provisioned', () => {
    expect(evolveDirectoryUser(undefined, history[1]!, 1)).toBeUndefined();
  });
});
