import type { DirectoryUserEvent, UserProfile } from './directory-user.events.js';

export type DirectoryUserState =
  | { status: 'absent' }
  | {
      status: 'present' | 'deleted';
      tenantId: string;
      userId: string;
      userName: string;
      externalId?: string;
      active: boolean;
      isTenantAdmin: boolean;
      profile: UserProfile;
    };

export const initialState = (): DirectoryUserState => ({ status: 'absent' });

export const evolve = (state: DirectoryUserState, event: DirectoryUserEvent): DirectoryUserState => {
  if (event.type === 'DirectoryUserProvisioned') {
    const { tenantId, userId, userName, externalId, active, profile } = event.data;
    return { status: 'present', tenantId, userId, userName, externalId, active, isTenantAdmin: false, profile };
  }
  if (state.status === 'absent') return state;
  switch (event.type) {
    case 'DirectoryUserReplaced':
      return { ...state, userName: event.data.userName, externalId: event.data.externalId, profile: event.data.profile };
    case 'DirectoryUserDeactivated':
      return { ...state, active: false };
    case 'DirectoryUserReactivated':
      return { ...state, active: true };
    case 'DirectoryUserAdminGranted':
      return { ...state, isTenantAdmin: true };
    case 'DirectoryUserAdminRevoked':
      return { ...state, isTenantAdmin: false };
    case 'DirectoryUserDeleted':
      return { ...state, status: 'deleted', active: false, isTenantAdmin: false };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};
