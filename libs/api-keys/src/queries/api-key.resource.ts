import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { hasExpired } from '../domain/index.js';
import type { ListedKey } from '../views/key-listing/key-listing.queries.js';

/** Free-form annotations plus the four Keystream sets (theirs win over any stored ones). */
type ApiKeyAnnotations = Record<string, string> & { description: string; ownerUid: string; tenantUid: string; scope: string };

class ApiKeyMetadata {
  @ApiProperty({ example: '5fd0ca727c411c71b55a359c' }) uid: string;
  @ApiProperty() name: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description:
      'Free-form string map (Palette\'s), always with `description`, `ownerUid`, `tenantUid` and `scope` ' +
      '(`tenant` when the key acts as a tenant admin), which Keystream sets',
  })
  annotations: ApiKeyAnnotations;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'Free-form string map; absent when empty' })
  labels?: Record<string, string>;
  @ApiProperty({ format: 'date-time' }) creationTimestamp: string;
  @ApiProperty({ format: 'date-time' }) lastModifiedTimestamp: string;
}

class ApiKeyUser {
  @ApiProperty() uid: string;
  @ApiProperty() firstName: string;
  @ApiProperty() lastName: string;
}

class ApiKeySpec {
  @ApiProperty({ format: 'date-time' }) expiry: string;
  @ApiProperty({ type: ApiKeyUser }) user: ApiKeyUser;
}

class ApiKeyStatus {
  @ApiProperty({ description: 'false once revoked' }) isActive: boolean;
  @ApiPropertyOptional({ description: '(ext) true once the expiry has passed; only with `Keystream-Extensions: true`' }) expired?: boolean;
  @ApiPropertyOptional({
    format: 'date-time',
    description: '(ext) when the key was last used, recorded off the request path (up to about a minute late); absent if never; only with `Keystream-Extensions: true`',
  })
  lastUsedAt?: string;
  @ApiPropertyOptional({ type: [String], description: '(ext) the last few client addresses it was used from, newest first; with `lastUsedAt`' })
  lastUsedFrom?: string[];
}

/** An API key as Palette's `V1ApiKey` shows it; never its value or hash. */
export class ApiKeyResource {
  @ApiProperty({ type: ApiKeyMetadata }) metadata: ApiKeyMetadata;
  @ApiProperty({ type: ApiKeySpec }) spec: ApiKeySpec;
  @ApiProperty({ type: ApiKeyStatus }) status: ApiKeyStatus;
}

export const toApiKeyResource = (row: ListedKey, now: Date): ApiKeyResource => ({
  metadata: {
    uid: row.keyId,
    name: row.name,
    annotations: { ...row.annotations, description: row.description, ownerUid: row.ownerId, tenantUid: row.tenantId, scope: row.scope },
    ...(Object.keys(row.labels).length > 0 ? { labels: { ...row.labels } } : {}),
    creationTimestamp: row.createdAt,
    lastModifiedTimestamp: row.lastModifiedAt,
  },
  spec: {
    expiry: row.expiresAt,
    user: { uid: row.ownerId, firstName: row.ownerFirstName, lastName: row.ownerLastName },
  },
  status: {
    isActive: row.isActive,
    expired: hasExpired(row.expiresAt, now),
    ...(row.usage ? { lastUsedAt: row.usage.lastUsedAt, lastUsedFrom: [...row.usage.lastUsedFrom] } : {}),
  },
});

/** Palette's `V1ApiKey` members only: what a client that knows only Palette's spec gets. */
export const withoutExtensions = (resource: ApiKeyResource): ApiKeyResource => ({
  ...resource,
  status: { isActive: resource.status.isActive },
});

/** The ETag of a key is its stream revision, so If-Match maps straight to an expected revision. */
export const etagFor = (revision: number | bigint): string => `"${revision}"`;
