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
}

export const userKey = (tenantId: string, userId: string): string => `${tenantId}\u001f${userId}`;
