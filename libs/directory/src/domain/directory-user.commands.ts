import type { UserProfile } from './directory-user.events.js';

/** What a SCIM create or replace says about a user, already checked against the schema. */
export interface UserAttributes {
  userName: string;
  externalId?: string;
  active: boolean;
  profile: UserProfile;
}

export interface ProvisionUser {
  type: 'ProvisionUser';
  tenantId: string;
  userId: string;
  attributes: UserAttributes;
  now: Date;
}

/** PUT: the whole resource; `active` in it deactivates or reactivates. */
export interface ReplaceUser {
  type: 'ReplaceUser';
  tenantId: string;
  userId: string;
  attributes: UserAttributes;
  now: Date;
}

/** PATCH of `active` (what Okta and Entra ID send to deactivate). */
export interface SetUserActive {
  type: 'SetUserActive';
  tenantId: string;
  userId: string;
  active: boolean;
  now: Date;
}

/** Membership of the tenant-admin group. */
export interface SetTenantAdmin {
  type: 'SetTenantAdmin';
  tenantId: string;
  userId: string;
  isTenantAdmin: boolean;
  now: Date;
}

export interface DeleteUser {
  type: 'DeleteUser';
  tenantId: string;
  userId: string;
  now: Date;
}

export type DirectoryUserCommand = ProvisionUser | ReplaceUser | SetUserActive | SetTenantAdmin | DeleteUser;
