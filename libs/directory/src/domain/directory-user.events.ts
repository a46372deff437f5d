/**
 * The facts of a user's life in a tenant's directory, as the identity provider reports them over
 * SCIM. One stream per user (`scim-user-<tenant>-<id>`). `userName` is the user's uid in Keystream:
 * the `sub` of their tokens and the owner of their keys. No event carries a password or any secret.
 */

/** The SCIM attributes kept for a user besides the ones Keystream acts on (names, emails, ...). */
export type UserProfile = { readonly [attribute: string]: unknown };

interface UserIds {
  tenantId: string;
  /** The SCIM `id` Keystream assigned. */
  userId: string;
  userName: string;
}

export interface DirectoryUserProvisioned {
  type: 'DirectoryUserProvisioned';
  data: UserIds & { externalId?: string; active: boolean; profile: UserProfile; provisionedAt: string };
}

export interface DirectoryUserReplaced {
  type: 'DirectoryUserReplaced';
  data: UserIds & { previousUserName?: string; externalId?: string; profile: UserProfile; replacedAt: string };
}

export interface DirectoryUserDeactivated {
  type: 'DirectoryUserDeactivated';
  data: UserIds & { deactivatedAt: string };
}

export interface DirectoryUserReactivated {
  type: 'DirectoryUserReactivated';
  data: UserIds & { reactivatedAt: string };
}

export interface DirectoryUserAdminGranted {
  type: 'DirectoryUserAdminGranted';
  data: UserIds & { grantedAt: string };
}

export interface DirectoryUserAdminRevoked {
  type: 'DirectoryUserAdminRevoked';
  data: UserIds & { revokedAt: string };
}

export interface DirectoryUserDeleted {
  type: 'DirectoryUserDeleted';
  data: UserIds & { deletedAt: string };
}

export type DirectoryUserEvent =
  | DirectoryUserProvisioned
  | DirectoryUserReplaced
  | DirectoryUserDeactivated
  | DirectoryUserReactivated
  | DirectoryUserAdminGranted
  | DirectoryUserAdminRevoked
  | DirectoryUserDeleted;
export type DirectoryUserEventType = DirectoryUserEvent['type'];

const EVENT_TYPES: Record<DirectoryUserEventType, true> = {
  DirectoryUserProvisioned: true,
  DirectoryUserReplaced: true,
  DirectoryUserDeactivated: true,
  DirectoryUserReactivated: true,
  DirectoryUserAdminGranted: true,
  DirectoryUserAdminRevoked: true,
  DirectoryUserDeleted: true,
};

export const DIRECTORY_USER_EVENT_TYPES = Object.keys(EVENT_TYPES) as readonly DirectoryUserEventType[];
export const isDirectoryUserEventType = (type: string): type is DirectoryUserEventType => Object.hasOwn(EVENT_TYPES, type);

export const DIRECTORY_USER_EVENT_SCHEMA_VERSION = 1;
export const DIRECTORY_USER_STREAM_PREFIX = 'scim-user-';
export const directoryUserStreamName = (tenantId: string, userId: string): string => `${DIRECTORY_USER_STREAM_PREFIX}${tenantId}-${userId}`;

/**
 * The user name a rename leaves behind, when it is another name (not the same one in other letter
 * case; userName is caseExact false). Keys are owned by the user name they were made under, so the
 * former name's keys stop working and the name stays a tombstone no other user can take.
 */
export const formerUserName = (event: DirectoryUserEvent): string | undefined =>
  event.type === 'DirectoryUserReplaced' && event.data.previousUserName !== undefined && event.data.previousUserName.toLowerCase() !== event.data.userName.toLowerCase()
    ? event.data.previousUserName
    : undefined;

/** True for the facts after which the user's keys must stop working (the offboarding processor acts on them). */
export const endsAccess = (event: DirectoryUserEvent): boolean =>
  event.type === 'DirectoryUserDeactivated' ||
  event.type === 'DirectoryUserDeleted' ||
  (event.type === 'DirectoryUserProvisioned' && !event.data.active);
