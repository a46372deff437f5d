import type { DirectoryUserRow } from '../views/directory-users/directory-user.row.js';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, type UserDocument } from './scim-user.schema.js';

export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const SCIM_BASE = '/scim/v2';

export const toUserDocument = (row: DirectoryUserRow): UserDocument => ({
  userName: row.userName,
  externalId: row.externalId,
  active: row.active,
  profile: row.profile,
});

/** A user as SCIM returns it (RFC 7643 §4.1), `meta.version` the stream revision. */
export const toScimUser = (row: DirectoryUserRow) => ({
  schemas: row.profile[ENTERPRISE_USER_SCHEMA] === undefined ? [USER_SCHEMA] : [USER_SCHEMA, ENTERPRISE_USER_SCHEMA],
  id: row.userId,
  ...(row.externalId === undefined ? {} : { externalId: row.externalId }),
  userName: row.userName,
  active: row.active,
  ...row.profile,
  meta: {
    resourceType: 'User',
    created: row.createdAt,
    lastModified: row.updatedAt,
    location: `${SCIM_BASE}/Users/${row.userId}`,
    version: `W/"${row.revision}"`,
  },
});

export const listResponse = <T>(resources: readonly T[], total: number, startIndex: number) => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});
