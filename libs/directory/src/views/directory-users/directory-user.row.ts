import type { UserProfile } from '../../domain/index.js';

/** One user of a tenant's directory, as SCIM reads it and as the role check asks it. */
export interface DirectoryUserRow {
  tenantId: string;
  userId: string;
  userName: string;
  externalId?: string;
  active: boolean;
  isTenantAdmin: boolean;
  deleted: boolean;
  profile: UserProfile;
  createdAt: string;
  updatedAt: string;
  revision: number;
  /** A tombstone of a name this user was renamed from: deleted, inactive, held by no one else. */
  formerName?: true;
}

export const userKey = (tenantId: string, userId: string): string => `${tenantId}\u001f${userId}`;

/** The row of a name `userId` was renamed from: beside the user's own row, one per former name. */
export const formerNameKey = (tenantId: string, userId: string, userName: string): string => `${userKey(tenantId, userId)}\u001fformer\u001f${userName.toLowerCase()}`;
export const isFormerNameKey = (key: string): boolean => key.includes('\u001fformer\u001f');
