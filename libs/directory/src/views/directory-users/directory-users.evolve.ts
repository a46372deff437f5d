import { type DirectoryUserEvent, formerUserName } from '../../domain/index.js';
import type { DirectoryUserRow } from './directory-user.row.js';

/**
 * The tombstone a rename leaves for the former name (undefined for any other event): found by that
 * name, deleted and inactive, so the role check refuses the name and no other user can take it.
 */
export const formerNameTombstone = (row: DirectoryUserRow | undefined, event: DirectoryUserEvent, revision: number): DirectoryUserRow | undefined => {
  const former = formerUserName(event);
  if (!row || former === undefined || event.type !== 'DirectoryUserReplaced') return undefined;
  return { tenantId: row.tenantId, userId: row.userId, userName: former, active: false, isTenantAdmin: false, deleted: true, profile: {}, createdAt: row.createdAt, updatedAt: event.data.replacedAt, revision, formerName: true };
};

/** The directory row after one event; pure, so a replay gives the same rows. */
export const evolveDirectoryUser = (row: DirectoryUserRow | undefined, event: DirectoryUserEvent, revision: number): DirectoryUserRow | undefined => {
  if (event.type === 'DirectoryUserProvisioned') {
    const { tenantId, userId, userName, externalId, active, profile, provisionedAt } = event.data;
    return { tenantId, userId, userName, externalId, active, isTenantAdmin: false, deleted: false, profile, createdAt: provisionedAt, updatedAt: provisionedAt, revision };
  }
  if (!row) return undefined;
  switch (event.type) {
    case 'DirectoryUserReplaced':
      return { ...row, userName: event.data.userName, externalId: event.data.externalId, profile: event.data.profile, updatedAt: event.data.replacedAt, revision };
    case 'DirectoryUserDeactivated':
      return { ...row, active: false, updatedAt: event.data.deactivatedAt, revision };
    case 'DirectoryUserReactivated':
      return { ...row, active: true, updatedAt: event.data.reactivatedAt, revision };
    case 'DirectoryUserAdminGranted':
      return { ...row, isTenantAdmin: true, updatedAt: event.data.grantedAt, revision };
    case 'DirectoryUserAdminRevoked':
      return { ...row, isTenantAdmin: false, updatedAt: event.data.revokedAt, revision };
    case 'DirectoryUserDeleted':
      // A tombstone: the user name stays known as deleted, so the role check refuses it.
      return { ...row, active: false, isTenantAdmin: false, deleted: true, profile: {}, updatedAt: event.data.deletedAt, revision };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
