import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsObject, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsCalendarDateTime, NAME_PATTERN, ValidateNestedAs, trim } from '../http/validation.js';

/** `metadata.annotations`; the read-only ones a client may echo back from a GET are accepted and ignored. */
export class KeyAnnotationsDto {
  @ApiPropertyOptional({ maxLength: 1024 })
  @IsOptional() @IsString() @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(128) ownerUid?: string;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(128) tenantUid?: string;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsIn(['tenant', 'user']) scope?: string;
}

/**
 * Palette's `V1ObjectMeta`. Its Go SDK always sends the timestamps (as the zero time when unset),
 * so they are accepted and ignored; a key's uid comes from the path, never the body.
 */
export class KeyMetadataDto {
  @ApiProperty({ minLength: 1, maxLength: 128, description: 'Trimmed; no control characters' })
  @Transform(trim) @IsString() @Length(1, 128) @Matches(NAME_PATTERN, { message: 'name must not contain control characters' })
  name: string;

  @ApiPropertyOptional({ type: KeyAnnotationsDto })
  @IsOptional() @IsObject() @ValidateNestedAs(() => KeyAnnotationsDto)
  annotations?: KeyAnnotationsDto;

  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() creationTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() lastModifiedTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true, format: 'date-time' }) @IsOptional() @IsCalendarDateTime() deletionTimestamp?: string;
  @ApiPropertyOptional({ readOnly: true }) @IsOptional() @IsString() @MaxLength(128) uid?: string;
}
