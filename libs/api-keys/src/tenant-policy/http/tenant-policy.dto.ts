import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { POLICY_BOUNDS } from '../domain/index.js';

const { maxKeyLifetimeDays: LIFETIME, maxKeysPerUser: KEYS } = POLICY_BOUNDS;

/** The API refuses null everywhere (apps/api's input guard), so "no maximum lifetime" is said in words. */
export const NO_MAXIMUM = 'none';
export type LifetimeDays = number | typeof NO_MAXIMUM;
export const toLifetimeDays = (days: number | null): LifetimeDays => days ?? NO_MAXIMUM;
export const fromLifetimeDays = (days: LifetimeDays): number | null => (days === NO_MAXIMUM ? null : days);

const lifetimeSchema = (description: string): ApiPropertyOptions => ({
  oneOf: [{ type: 'integer', minimum: LIFETIME.min, maximum: LIFETIME.max }, { type: 'string', enum: [NO_MAXIMUM] }],
  description,
});
const LIFETIME_MESSAGE = `must be an integer from ${LIFETIME.min} to ${LIFETIME.max}, or "${NO_MAXIMUM}" for no maximum`;

/** PUT body: the whole policy, every member required. */
export class SetTenantKeyPolicyRequest {
  @ApiProperty(lifetimeSchema(`Furthest expiry of a new or edited key, in days from now; "${NO_MAXIMUM}": no maximum`))
  @ValidateIf((body: SetTenantKeyPolicyRequest) => body.maxKeyLifetimeDays !== NO_MAXIMUM)
  @IsInt({ message: LIFETIME_MESSAGE }) @Min(LIFETIME.min, { message: LIFETIME_MESSAGE }) @Max(LIFETIME.max, { message: LIFETIME_MESSAGE })
  maxKeyLifetimeDays: LifetimeDays;

  @ApiProperty({ type: 'integer', minimum: KEYS.min, maximum: KEYS.max, description: 'Keys a user may hold (deleted ones do not count)' })
  @IsInt() @Min(KEYS.min) @Max(KEYS.max)
  maxKeysPerUser: number;

  @ApiProperty({ description: 'Whether a new key, or an edit that sends one, needs a non-blank description' })
  @IsBoolean()
  requireDescription: boolean;
}

export class TenantKeyPolicyResource {
  @ApiProperty() tenantUid: string;
  @ApiProperty(lifetimeSchema(`In days; "${NO_MAXIMUM}": no maximum`)) maxKeyLifetimeDays: LifetimeDays;
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
  @ApiProperty(lifetimeSchema(`The policy's lifetime the keys were checked against; "${NO_MAXIMUM}": nothing is beyond it`))
  maxKeyLifetimeDays: LifetimeDays;
  @ApiPropertyOptional({ format: 'date-time', description: 'Now plus that lifetime: keys expiring later are listed (absent with no maximum)' })
  expiresAfter?: string;
  @ApiProperty({ type: [PolicyViolation], description: 'Live keys (revoked ones too), furthest expiry first. Nothing is changed: a dry run' })
  items: PolicyViolation[];
  @ApiProperty({ type: ViolationsListMeta }) listmeta: ViolationsListMeta;
}
