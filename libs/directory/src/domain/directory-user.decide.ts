import type { DirectoryUserCommand, ReplaceUser } from './directory-user.commands.js';
import type { DirectoryUserEvent } from './directory-user.events.js';
import { DirectoryUserExistsError, DirectoryUserNotFoundError } from './directory-user.errors.js';
import type { DirectoryUserState } from './directory-user.state.js';

type PresentUser = Exclude<DirectoryUserState, { status: 'absent' }> & { status: 'present' };

/**
 * The directory's rules. Every change is a fact only when something changes, so the identity
 * provider's retries (Okta and Entra ID resend on any doubt) append nothing twice.
 */
export const decide = (command: DirectoryUserCommand, state: DirectoryUserState): DirectoryUserEvent[] => {
  const at = command.now.toISOString();
  switch (command.type) {
    case 'ProvisionUser': {
      if (state.status !== 'absent') throw new DirectoryUserExistsError(`User ${command.userId}`);
      const { userName, externalId, active, profile } = command.attributes;
      return [
        {
          type: 'DirectoryUserProvisioned',
          data: { tenantId: command.tenantId, userId: command.userId, userName, ...(externalId === undefined ? {} : { externalId }), active, profile, provisionedAt: at },
        },
      ];
    }
    case 'ReplaceUser':
      return replace(command, present(command, state));
    case 'SetUserActive':
      return activity(present(command, state), command.active, at);
    case 'SetTenantAdmin': {
      const user = present(command, state);
      if (user.isTenantAdmin === command.isTenantAdmin) return [];
      return command.isTenantAdmin
        ? [{ type: 'DirectoryUserAdminGranted', data: { ...ids(user), grantedAt: at } }]
        : [{ type: 'DirectoryUserAdminRevoked', data: { ...ids(user), revokedAt: at } }];
    }
    case 'DeleteUser':
      return [{ type: 'DirectoryUserDeleted', data: { ...ids(present(command, state)), deletedAt: at } }];
    default: {
      const unknown: never = command;
      throw new Error(`Unknown command ${(unknown as { type: string }).type}`);
    }
  }
};

const replace = (command: ReplaceUser, user: PresentUser): DirectoryUserEvent[] => {
  const { userName, externalId, active, profile } = command.attributes;
  const at = command.now.toISOString();
  const events: DirectoryUserEvent[] = [];
  const changed = userName !== user.userName || externalId !== user.externalId || JSON.stringify(profile) !== JSON.stringify(user.profile);
  if (changed) {
    events.push({
      type: 'DirectoryUserReplaced',
      data: {
        tenantId: user.tenantId,
        userId: user.userId,
        userName,
        ...(userName === user.userName ? {} : { previousUserName: user.userName }),
        ...(externalId === undefined ? {} : { externalId }),
        profile,
        replacedAt: at,
      },
    });
  }
  // Deactivation names the user as they are after the replace: that is whose keys go.
  return [...events, ...activity({ ...user, userName }, active, at)];
};

const activity = (user: PresentUser, active: boolean, at: string): DirectoryUserEvent[] => {
  if (user.active === active) return [];
  return active
    ? [{ type: 'DirectoryUserReactivated', data: { ...ids(user), reactivatedAt: at } }]
    : [{ type: 'DirectoryUserDeactivated', data: { ...ids(user), deactivatedAt: at } }];
};

/** The user, unless absent, deleted, or in another tenant (all answered alike: not found). */
const present = (command: { tenantId: string; userId: string }, state: DirectoryUserState): PresentUser => {
  if (state.status !== 'present' || state.tenantId !== command.tenantId) throw new DirectoryUserNotFoundError(command.userId);
  return { ...state, status: 'present' };
};

const ids = (user: PresentUser) => ({ tenantId: user.tenantId, userId: user.userId, userName: user.userName });
