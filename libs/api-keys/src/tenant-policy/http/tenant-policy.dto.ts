import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { POLICY_BOUNDS } from '../domain/index.js';

const { maxKeyLifetimeDays: LIFETIME, maxKeysPerUser: KEYS } = POLICY_BOUNDS;

/** PUT body: the whole policy (every member required; `maxKeyLifetimeDays: null` for no maximum). */
export class SetTenantKeyPolicyRequest {
  @ApiProperty({ type: 'integer', nullable: true, minimum: LIFETIME.min, maximum: LIFETIME.max, description: 'Furthest expiry of a new or edited key, in days from now; null: no maximum' })
  @ValidateIf((body: SetTenantKeyPolicyRequest) => body.maxKeyLifetimeDays !== null)
  @IsInt() @Min(LIFETIME.min) @Max(LIFETIME.max)
  maxKeyLifetimeDays: number | null;

  @ApiProperty({ type: 'integer', minimum: KEYS.min, maximum: KEYS.max, description: 'Keys a user may hold (deleted ones do not count)' })
  @IsInt() @Min(KEYS.min) @Max(KEYS.max)
  maxKeysPerUser: number;

  @ApiProperty({ description: 'Whether a new key, or an edit that sends one, needs a non-blank description' })
  @IsBoolean()
  requireDescription: boolean;
}

export class TenantKeyPolicyResource {
  @ApiProperty() tenantUid: string;
  @ApiProperty({ type: 'integer', nullable: true }) maxKeyLifetimeDays: number | null;
  @ApiProperty({ type: 'integer' }) maxKeysPerUser: number;
  @ApiProperty() requireDescription: boolean;
  @ApiProperty({ enum: ['tenant', 'default'], description: '`default`: the tenant never set one; the service configuration applies' }) source: 'tenant' | 'default';
  @ApiPropertyOptional({ format: 'date-time', description: 'When the tenant last set it' }) setAt?: string;
}

/** GET violations query string. */
export class PolicyViolationsRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ name: 'continue', description: 'Opaque cursor from the previous page’s listmeta.continue' })
  @IsOptional() @IsString() @MaxLength(512) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'continue must be a cursor returned by a previous page' })
  continue?: string;
}

export class PolicyViolation {
  @ApiProperty() uid: string;
  @ApiProperty() name: string;
  @ApiProperty() ownerUid: string;
  @ApiProperty({ format: 'date-time' }) expiry: string;
  @ApiProperty() isActive: boolean;
  @ApiProperty({ description: 'How far the expiry lies beyond the lifetime bound, in whole days (rounded up)' }) daysBeyond: number;
}

class ViolationsListMeta {
  @ApiProperty({ description: 'Cursor for the next page; empty on the last page' }) continue: string;
  @ApiProperty() count: number;
}

export class PolicyViolationList {
  @ApiProperty({ type: 'integer', nullable: true, description: "The policy's lifetime the keys were checked against; null: none, so nothing is beyond it" })
  maxKeyLifetimeDays: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, description: 'Now plus that lifetime: keys expiring later are listed' })
  expiresAfter: string | null;
  @ApiProperty({ type: [PolicyViolation], description: 'Live keys (revoked ones too), furthest expiry first. Nothing is changed: a dry run' })
  items: PolicyViolation[];
  @ApiProperty({ type: ViolationsListMeta }) listmeta: ViolationsListMeta;
}
