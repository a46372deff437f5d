import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsCalendarDateTime } from '@keystream/validation';
import { AUDIT_ACTIONS, type AuditAction } from '@keystream/audit-bus';

/** Query string of GET /v1/audit/events; unknown parameters are refused by the global pipe. */
export class AuditEventsRequest {
  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500)
  limit?: number;

  @ApiPropertyOptional({ name: 'continue', description: 'Opaque cursor from the previous page’s listmeta.continue' })
  @IsOptional() @IsString() @MaxLength(128) @Matches(/^[A-Za-z0-9_-]+$/, { message: 'continue must be a cursor returned by a previous page' })
  continue?: string;

  @ApiPropertyOptional({ description: 'Only events of this key' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128)
  keyUid?: string;

  @ApiPropertyOptional({ description: 'Only events done by this user (`system` for the operator CLI)' })
  @IsOptional() @IsString() @MinLength(1) @MaxLength(128)
  actorUid?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional() @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ description: 'Events at or after this time (RFC 3339)', format: 'date-time' })
  @IsOptional() @IsCalendarDateTime()
  from?: string;

  @ApiPropertyOptional({ description: 'Events before this time (RFC 3339)', format: 'date-time' })
  @IsOptional() @IsCalendarDateTime()
  to?: string;
}
